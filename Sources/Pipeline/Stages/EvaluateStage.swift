import Workflows
import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra
import Retrieval

/// `kind: evaluate`: scores baselines and maps on the same evaluation queries with Retrieval's
/// exact search and trec_eval metrics, on all queries and on the "unseen" subset, and tests every
/// row against the reference row with paired randomization and bootstrap (first metric).
///
/// Rows: the baselines in the order written (`index-zero-shot`: D's own query embeddings;
/// `query-model-upper-bound`: Q's queries against Q's document embeddings, i.e. re-embedding the
/// index; `procrustes`: the centered Procrustes map fitted on `data.alignment`), then each map.
/// Artifact `per-query.tsv`: every row's metrics for every evaluated query.
public struct EvaluateStage: StageRunner {
    public init() {}

    public func run(stage: StageConfig, context: StageContext) throws -> StageOutput {
        guard case .evaluate(let options) = stage.options else {
            throw PipelineRunError("EvaluateStage cannot run a \(stage.kind.rawValue) stage")
        }
        let config = context.config
        let inputs = StageInputs(config: config)
        let data = config.data
        let cutoffs = Array(Set(options.metrics.compactMap { $0.split(separator: "@").last.flatMap { Int($0) } })).sorted()
        let qrels = try inputs.qrels(data.qrels.evaluation, "data.qrels.evaluation")
        let labeled = options.unseen ? try inputs.qrels(data.qrels.labeled, "data.qrels.labeled") : nil
        let queryIds = try inputs.ids(data.queries?.ids, "data.queries.ids")
        let corpusIds = try inputs.ids(data.index?.ids, "data.index.ids")
        let corpus = try inputs.embeddings(data.index?.embeddings, "data.index.embeddings")
        let queries = try inputs.embeddings(data.queries?.embeddings, "data.queries.embeddings")

        let total = options.baselines.count + options.maps.count
        var reports: [(name: String, report: EvaluationReport)] = []
        func evaluate(_ name: String, queries: some RowMatrix, corpus: some RowMatrix,
                      map: AffineMap<Float>?) throws {
            context.progress(completed: reports.count, total: total, "scoring \(name)")
            let run = try Evaluator.evaluate(
                queries: queries, queryIds: queryIds, corpus: corpus, corpusIds: corpusIds, qrels: qrels,
                cutoffs: cutoffs, mapQueries: map.map { map in { try map.applyNormalized(to: $0) } })
            for message in run.warnings.messages { context.log("\(name): \(message)") }
            context.log(String(format: "%@: %d queries, search %.2f s", name, run.report.count, run.timing.searchSeconds))
            reports.append((name, run.report))
        }
        for baseline in options.baselines {
            switch baseline {
            case .indexZeroShot:
                let own = try inputs.embeddings(data.queries?.indexModelEmbeddings, "data.queries.index_model_embeddings")
                try evaluate(baseline.rawValue, queries: own, corpus: corpus, map: nil)
            case .queryModelUpperBound:
                let reembedded = try inputs.embeddings(data.index?.queryModelEmbeddings, "data.index.query_model_embeddings")
                try evaluate(baseline.rawValue, queries: queries, corpus: reembedded, map: nil)
            case .procrustes:
                let x = try inputs.matrix(data.alignment?.queryModel, "data.alignment.query_model")
                let y = try inputs.matrix(data.alignment?.indexModel, "data.alignment.index_model")
                let fit = try Procrustes.fit(source: x, target: y)
                context.log("procrustes: fitted on \(x.rows) pairs, objective \(fit.objective)")
                try evaluate(baseline.rawValue, queries: queries, corpus: corpus, map: fit.map)
            }
        }
        for name in options.maps {
            guard let dependency = context.dependencies[name] else {
                throw PipelineRunError("the map of stage \(name) is not available")
            }
            try evaluate(name, queries: queries, corpus: corpus, map: try MapArtifact.adapter(of: dependency).map)
        }
        context.progress(completed: total, total: total, "significance")

        // Baselines and maps are reported in one table; `procrustes` is a baseline even though it is a map.
        let rows = reports.map { entry in
            (entry.name, options.baselines.map(\.rawValue).contains(entry.name) ? MetricsRow.Role.baseline : .stage, entry.report)
        }
        let table = try Self.table(rows: rows, options: options, qrels: qrels, labeled: labeled, seed: context.seed)
        try AtomicFile.write(Data(Self.perQuery(rows: rows, metrics: options.metrics).utf8),
                             to: context.artifactURL("per-query.tsv"))
        return StageOutput(artifacts: ["per_query": "per-query.tsv"], evaluation: table)
    }

    /// The metrics table: means per subset, and paired tests against the reference row.
    static func table(rows: [(String, MetricsRow.Role, EvaluationReport)], options: EvaluateOptions,
                      qrels: Qrels, labeled: Qrels?, seed: UInt64) throws -> MetricsTable {
        var subsets: [(QuerySubset, (EvaluationReport) -> EvaluationReport)] = []
        if let first = rows.first?.2 {
            subsets.append((QuerySubset(name: "all", queries: first.count,
                                        description: "evaluation queries with at least one relevant document"), { $0 }))
            if let labeled {
                let unseen = first.unseen(testQrels: qrels, trainQrels: labeled)
                subsets.append((QuerySubset(name: "unseen", queries: unseen.count,
                                            description: "evaluation queries none of whose relevant documents any labeled query cites"),
                                { $0.unseen(testQrels: qrels, trainQrels: labeled) }))
            }
        }
        let reference = options.compareTo ?? options.maps.first ?? rows.first?.0
        let referenceReport = rows.first { $0.0 == reference }?.2
        let primary = options.metrics[0]
        var metricsRows: [MetricsRow] = []
        for (name, role, report) in rows {
            var values: [String: [String: Double]] = [:]
            var significance: [SignificanceEntry] = []
            for (subset, restrict) in subsets {
                let restricted = restrict(report)
                values[subset.name] = Dictionary(uniqueKeysWithValues: options.metrics.compactMap { metric in
                    restricted.mean[metric].map { (metric, $0) }
                })
                guard options.significance, let referenceReport, name != reference, restricted.count > 0 else { continue }
                let comparison = try PairedSignificance.compare(
                    restrict(referenceReport), restricted, metric: primary, trials: options.significanceTrials,
                    confidence: options.confidence, seed: seed)
                significance.append(SignificanceEntry(
                    subset: subset.name, metric: primary, difference: comparison.meanDifference,
                    pValue: comparison.pValue, lower: comparison.confidenceInterval.lowerBound,
                    upper: comparison.confidenceInterval.upperBound, confidence: comparison.confidenceLevel))
            }
            metricsRows.append(MetricsRow(name: name, role: role, values: values, significance: significance))
        }
        return MetricsTable(metrics: options.metrics, subsets: subsets.map(\.0), rows: metricsRows,
                            comparedTo: options.significance ? reference : nil)
    }

    /// `query-id`, `row`, then one column per metric; rows in table order, queries in report order.
    static func perQuery(rows: [(String, MetricsRow.Role, EvaluationReport)], metrics: [String]) -> String {
        var out = "query-id\trow\t" + metrics.joined(separator: "\t") + "\n"
        for (name, _, report) in rows {
            for (i, query) in report.queries.enumerated() {
                let values = metrics.map { metric in report.columns[metric].map { String(format: "%.6f", $0[i]) } ?? "" }
                out += "\(query)\t\(name)\t" + values.joined(separator: "\t") + "\n"
            }
        }
        return out
    }
}
