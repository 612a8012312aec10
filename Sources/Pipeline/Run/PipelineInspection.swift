import EmbeddingIO
import Foundation
import Reports
import Retrieval
import Workflows

/// What `era run --check` resolved: every input file (its path, shape and element type, its ids
/// and how the qrels match them), the stages that would run, and the sanity checks that need only
/// the files (qrels ids against the id files, labeled queries among the evaluation queries, the
/// number of evaluation and unseen queries). Reads `.npy` headers, id files and qrels, never the
/// embeddings.
package struct PipelineInspection: Sendable {
    /// One input file as resolved.
    package struct Input: Sendable, Hashable {
        package var keyPath: String
        package var path: String
        /// `1109 x 768`, `1109 ids` or `300 queries, 339 judgments`.
        package var shape: String
        /// The `.npy` element type (`<f2`), empty for text files.
        package var dtype: String
        /// How the file matches the others: ids against rows, qrels ids found, unseen queries.
        package var matched: String
    }

    package var inputs: [Input]
    /// The stages in execution order, with their kinds.
    package var stages: [(name: String, kind: String)]
    package var checks: [SanityCheck]
    /// What the verdict will answer, when it is not the usual question (a retired index model).
    package var question: String? = nil

    /// Whether a check failed (`--check` then exits with an error).
    package var failed: Bool { checks.contains { $0.status == .failed } }

    /// Inspects a configuration loaded with its files checked (the files exist and agree in shape).
    /// - Parameters:
    ///   - config: the configuration, loaded with its files checked.
    ///   - files: the cache the configuration was loaded with, so no file is read twice.
    package static func inspect(
        _ config: PipelineConfig, files: InputFiles = InputFiles()
    ) throws -> PipelineInspection {
        let data = config.data
        var idCounts: [String: [String]] = [:]
        func ids(_ file: DataFile?) throws -> [String]? {
            guard let file else { return nil }
            if let known = idCounts[file.path] { return known }
            let read = try files.ids(file.path)
            idCounts[file.path] = read
            return read
        }
        let queryIds = try ids(data.queries?.ids)
        let corpusIds = try ids(data.index?.ids)
        let knownQueries = queryIds.map(Set.init)
        var rowsOf: [String: Int] = [:]
        var inputs: [Input] = []
        for (keyPath, file) in data.files where !keyPath.hasSuffix(".ids") && !keyPath.hasPrefix("data.qrels") {
            let header = try files.npyHeader(file.path)
            rowsOf[keyPath] = header.shape.first
            inputs.append(
                Input(
                    keyPath: keyPath, path: file.path, shape: header.shape.map(String.init).joined(separator: " x "),
                    dtype: header.descr, matched: ""))
        }
        let idFiles: [(String, DataFile?, String)] = [
            ("data.queries.ids", data.queries?.ids, "data.queries.embeddings"),
            ("data.index.ids", data.index?.ids, "data.index.embeddings"),
            ("data.alignment.ids", data.alignment?.ids, "data.alignment.query_model"),
        ]
        for (keyPath, file, rowsKey) in idFiles {
            guard let file, let list = try ids(file) else { continue }
            let rows = rowsOf[rowsKey].map { "one per row of \(rowsKey) (\($0) rows)" } ?? ""
            inputs.append(
                Input(keyPath: keyPath, path: file.path, shape: "\(list.count) ids", dtype: "", matched: rows))
        }

        var checks: [SanityCheck] = []
        let labeled = try data.qrels.labeled.map { try files.qrels($0.path) }
        let evaluation = try data.qrels.evaluation.map { try files.qrels($0.path) }
        func describe(_ qrels: Qrels, keyPath: String, file: DataFile, extra: String) {
            let documents = Set(qrels.judgments.values.flatMap(\.keys))
            let judgments = qrels.judgments.values.reduce(0) { $0 + $1.count }
            var found: [String] = []
            if let queryIds {
                let known = Set(queryIds)
                found.append(
                    "queries found \(qrels.judgments.keys.filter(known.contains).count)/\(qrels.judgments.count)")
            }
            if let corpusIds {
                let known = Set(corpusIds)
                found.append("documents found \(documents.filter(known.contains).count)/\(documents.count)")
            }
            inputs.append(
                Input(
                    keyPath: keyPath, path: file.path,
                    shape: "\(qrels.judgments.count) queries, \(judgments) judgments", dtype: "",
                    matched: (found + (extra.isEmpty ? [] : [extra])).joined(separator: ", ")))
        }
        if let labeled, let file = data.qrels.labeled {
            describe(labeled, keyPath: "data.qrels.labeled", file: file, extra: "")
            if let queryIds {
                checks.append(
                    SanityChecks.qrelsIds(
                        labeled, name: SanityChecks.Name.labeledQrelsIds, file: fileName("data.qrels.labeled", file),
                        queryIds: queryIds, corpusIds: corpusIds))
            }
        }
        if let evaluation, let file = data.qrels.evaluation {
            var subsets = [QuerySubset(name: "all", queries: evaluation.judgments.count, description: "")]
            var extra = ""
            if let labeled {
                let overlap = SanityChecks.labeledEvaluationQueries(evaluation: evaluation, labeled: labeled)
                let evaluates = config.stages.compactMap { stage -> EvaluateOptions? in
                    if case .evaluate(let options) = stage.options { options } else { nil }
                }
                let excluded = !evaluates.isEmpty && evaluates.allSatisfy(\.excludeLabeled)
                // Labeled evaluation queries matter only to a pipeline that evaluates.
                if let stage = config.stages.first(where: { $0.kind == .evaluate }) {
                    checks.append(
                        SanityChecks.labeledNotEvaluated(
                            overlap: overlap, evaluationQueries: evaluation.judgments.count, dropped: excluded,
                            labeledFile: fileName("data.qrels.labeled", data.qrels.labeled),
                            evaluationFile: fileName("data.qrels.evaluation", file),
                            remedy: "set stages.\(stage.name).options.exclude_labeled: true to drop them"))
                }
                let kept =
                    excluded
                    ? evaluation.restricted(
                        toQueries: evaluation.judgments.keys.filter {
                            labeled.judgments[$0] == nil
                        }) : evaluation
                let cited = labeled.citedDocuments
                let unseen = kept.judgments.filter { _, documents in
                    let relevant = documents.filter { $0.value > 0 }.keys
                    return !relevant.isEmpty && !relevant.contains(where: cited.contains)
                }.count
                subsets = [
                    QuerySubset(
                        name: "all", queries: kept.judgments.keys.filter { knownQueries?.contains($0) ?? true }.count,
                        description: ""),
                    QuerySubset(name: "unseen", queries: unseen, description: ""),
                ]
                extra = "labeled too \(overlap.count), unseen \(unseen)"
            }
            describe(evaluation, keyPath: "data.qrels.evaluation", file: file, extra: extra)
            if let queryIds {
                checks.append(
                    SanityChecks.qrelsIds(
                        evaluation, name: SanityChecks.Name.evaluationQrelsIds,
                        file: fileName("data.qrels.evaluation", file), queryIds: queryIds, corpusIds: corpusIds))
            }
            let table = MetricsTable(metrics: [], subsets: subsets, rows: [], comparedTo: nil)
            if config.stages.contains(where: { $0.kind == .evaluate }),
                let check = SanityChecks.enoughQueries(table: table)
            {
                checks.append(check)
            }
        }
        var inspection = PipelineInspection(
            inputs: inputs, stages: config.stages.map { ($0.name, $0.kind.rawValue) }, checks: checks)
        if config.models.index.retired {
            let margins = config.stages.compactMap { stage -> Double? in
                if case .evaluate(let options) = stage.options { options.verdict.margin } else { nil }
            }
            inspection.question =
                "the index model is retired (models.index.retired): its queries only score index-as-is, no map "
                + "reads them; the verdict answers \"can I switch to the new model now?\""
                + (margins.last.map { String(format: " (non-inferiority margin %.3f)", $0) } ?? "")
        }
        return inspection
    }

    /// `data.qrels.evaluation (qrels.test.tsv)`: how a check names an input (the table above has
    /// the full path; the file name keeps metrics.json the same wherever the data lies).
    static func fileName(_ keyPath: String, _ file: DataFile?) -> String {
        "\(keyPath) (\(file.map { URL(fileURLWithPath: $0.path).lastPathComponent } ?? "not set"))"
    }

    /// The table of inputs, the stages, and the checks, for the console.
    package func text() -> String {
        var rows = [["input", "shape", "dtype", "matched", "path"]]
        for input in inputs {
            rows.append([input.keyPath, input.shape, input.dtype, input.matched, input.path])
        }
        var out = RunMetrics.trimmed(TextTable(rows).render())
        out +=
            "\n\nstages, in the order they would run: "
            + stages.map { "\($0.name) (\($0.kind))" }.joined(separator: ", ")
        if let question { out += "\n\n" + question }
        if !checks.isEmpty { out += "\n\n" + SanityCheck.text(checks) }
        return out
    }
}
