import AdapterFormat
import Alignment
import Foundation
import LinearAlgebra
import Reports
import Retrieval

/// Evaluation as a use case: exact search of every row (a baseline or a map) on the same
/// evaluation queries, trec_eval metrics on all queries and on the unseen subset, and paired tests
/// of every row against a reference row. `era evaluate` and the pipeline's evaluate stage both
/// build their output from ``Outcome``.
public enum EvaluateWorkflow {
    /// The row of the index model's own queries: the index as it is (as it was, once the model is retired).
    public static let indexAsIs = BaselineName.indexAsIs
    /// The row of the query model's queries against the corpus re-embedded by the query model.
    public static let reEmbedded = BaselineName.reEmbedded

    /// One line of the comparison: queries searched against a corpus, optionally through a map.
    public struct Row: Sendable {
        public var name: String
        public var role: MetricsRow.Role
        public var queries: any RowMatrix
        public var corpus: any RowMatrix
        public var map: AffineMap<Float>?
        /// The labeled queries the map was trained on, as the adapter lists them
        /// (``LabeledQueryList``); nil when it lists none.
        public var trainedOn: LabeledQueryList?
        /// The map reads the index model's queries too (a hybrid adapter's `[x y]` rows).
        public var readsIndexQueries = false

        public init(
            name: String, role: MetricsRow.Role, queries: any RowMatrix, corpus: any RowMatrix,
            map: AffineMap<Float>? = nil, trainedOn: LabeledQueryList? = nil
        ) {
            self.name = name
            self.role = role
            self.queries = queries
            self.corpus = corpus
            self.map = map
            self.trainedOn = trainedOn
        }
    }

    /// The row of an adapter's map. A hybrid adapter reads `[x y]` rows: the query model's vector
    /// and the index model's vector of the same query (its map is affine in the pair).
    /// - Throws: `AdapterInputError` when `indexQueries` is missing for a hybrid adapter or given to another.
    public static func row(
        _ name: String, adapter: Adapter, queries: any RowMatrix, indexQueries: (any RowMatrix)?,
        corpus: any RowMatrix
    ) throws -> Row {
        let trainedOn = LabeledQueryList(metadata: adapter.extraMetadata)
        switch (adapter.hybrid, indexQueries) {
        case (nil, nil):
            return Row(
                name: name, role: .stage, queries: queries, corpus: corpus, map: adapter.map, trainedOn: trainedOn)
        case (let hybrid?, let y?):
            guard y.rows == queries.rows, y.columns == hybrid.targetDimension else {
                throw AdapterInputError.indexQueriesShape(
                    expectedRows: queries.rows, expectedColumns: hybrid.targetDimension,
                    rows: y.rows, columns: y.columns)
            }
            let pairs = concatenateRows(queries.gatherRows(0..<queries.rows), y.gatherRows(0..<y.rows))
            var row = Row(
                name: name, role: .stage, queries: pairs, corpus: corpus, map: hybrid.concatenated, trainedOn: trainedOn
            )
            row.readsIndexQueries = true
            return row
        case (nil, _?): throw AdapterInputError.unexpectedIndexQueries
        case (_?, nil): throw AdapterInputError.missingIndexQueries
        }
    }

    /// Searches a row's queries somewhere other than exactly in its corpus (a vector database) and
    /// scores the result. It is applied to the rows whose corpus is empty (`0 x m`: the documents
    /// stay on the server); the other rows are searched exactly in their corpus.
    public typealias Search = @Sendable (Row, _ queryIds: [String], _ qrels: Qrels, Settings) throws -> EvaluationRun

    /// What is measured and tested.
    public struct Settings: Sendable {
        /// Metric names `name@k` shown in the table (their cutoffs are searched).
        public var metrics: [String]
        /// The row every other row is tested against; nil: the first row.
        public var reference: String?
        /// Run the paired tests.
        public var significance = true
        /// Sign flips and bootstrap resamples of each test.
        public var trials = 10_000
        public var confidence = 0.95
        public var seed: UInt64 = 0
        /// The metric the paired tests compare (default: the first of `metrics`).
        public var testedMetric: String?
        /// BEIR's rule: a query whose id is a document id does not retrieve that document (off, as
        /// Retrieval's `Evaluator`).
        public var ignoreIdenticalIds = false
        /// Report the unseen subset of the labeled qrels (false: they are used by the checks only).
        public var unseen = true
        /// Drop the evaluation queries that are also labeled, instead of failing the check.
        public var excludeLabeled = false
        /// How the checks name the two qrels files, and the option that drops labeled evaluation queries.
        public var evaluationFile = "the evaluation qrels"
        public var labeledFile = "the labeled qrels"
        public var excludeLabeledOption = "exclude them from the evaluation"
        /// Set when the index model is retired: the verdict answers the upgrade question, with this
        /// non-inferiority margin (`Verdict.upgrade(_:best:metric:all:unseen:margin:checks:)`).
        public var upgradeMargin: Double?

        public init(metrics: [String], reference: String? = nil) {
            self.metrics = metrics
            self.reference = reference
        }

        /// The search depths the metrics need.
        public var cutoffs: [Int] {
            Array(Set(metrics.compactMap { $0.split(separator: "@").last.flatMap { Int($0) } })).sorted()
        }
    }

    /// Every row's search run, the comparison table and the tests behind it.
    public struct Outcome: Sendable {
        public var runs: [(name: String, run: EvaluationRun)]
        public var table: MetricsTable
        /// `tests[row][subset]`: the paired test of `row` against the reference (absent for the reference).
        public var tests: [String: [String: PairedComparison]]
        /// The sanity checks of the inputs and the table (``SanityChecks``).
        public var checks: [SanityCheck] = []
        /// The evaluation qrels evaluated: without the labeled queries when they were excluded.
        public var qrels: Qrels
    }

    /// Evaluates every row, then builds the table.
    /// - Parameters:
    ///   - rows: the lines of the table, each searched and scored on the same queries.
    ///   - queryIds: the id of each query row (the same for every row).
    ///   - corpusIds: the id of each corpus row; empty when the documents stay on a server (``Search``),
    ///     so that the checks of the qrels' document ids are skipped.
    ///   - qrels: the evaluation judgments.
    ///   - labeled: the training qrels that define the unseen subset (nil: no unseen subset).
    ///   - settings: the metrics, the reference row and the paired tests.
    ///   - search: how the rows whose corpus is empty are searched (nil: none is).
    ///   - progress: (rows done, rows in all, what is running).
    ///   - log: a line per row (counts, warnings, search time).
    public static func run(
        _ rows: [Row], queryIds: [String], corpusIds: [String], qrels: Qrels, labeled: Qrels?,
        settings: Settings, search: Search? = nil, progress: (Int, Int, String) -> Void = { _, _, _ in },
        log: (String) -> Void = { _ in }
    ) throws -> Outcome {
        var checks: [SanityCheck] = []
        var qrels = qrels
        if let labeled {
            let overlap = SanityChecks.labeledEvaluationQueries(evaluation: qrels, labeled: labeled)
            checks.append(
                SanityChecks.labeledNotEvaluated(
                    overlap: overlap, evaluationQueries: qrels.judgments.count, dropped: settings.excludeLabeled,
                    labeledFile: settings.labeledFile, evaluationFile: settings.evaluationFile,
                    remedy: settings.excludeLabeledOption))
            if settings.excludeLabeled, !overlap.isEmpty {
                qrels = qrels.restricted(toQueries: Set(qrels.judgments.keys).subtracting(overlap))
                log("dropped \(overlap.count) evaluation queries that are labeled too")
            }
        }
        // A map that lists the queries it was trained on is checked against them even when no
        // labeled qrels were given (evaluating an adapter on its own training queries).
        for row in rows {
            guard let trained = row.trainedOn else { continue }
            let overlap = qrels.judgments.keys.filter(trained.contains).sorted()
            guard !overlap.isEmpty else { continue }
            checks.append(
                SanityCheck(
                    name: SanityCheck.Name.labeledNotEvaluated, status: .failed,
                    detail:
                        "\(overlap.count) of \(qrels.judgments.count) queries of \(settings.evaluationFile) are queries "
                        + "\(row.name) was trained on (its adapter lists them; ids \(overlap.prefix(3).joined(separator: ", "))"
                        + "\(overlap.count > 3 ? ", ..." : "")): a map trained on them looks better than it is; "
                        + "evaluate on queries it was not trained on"))
        }
        let documentIds = corpusIds.isEmpty ? nil : corpusIds
        checks.append(
            SanityChecks.qrelsIds(
                qrels, name: SanityChecks.Name.evaluationQrelsIds, file: settings.evaluationFile, queryIds: queryIds,
                corpusIds: documentIds))
        if let labeled {
            checks.append(
                SanityChecks.qrelsIds(
                    labeled, name: SanityChecks.Name.labeledQrelsIds, file: settings.labeledFile, queryIds: queryIds,
                    corpusIds: documentIds))
        }
        var runs: [(name: String, run: EvaluationRun)] = []
        // Every row reads the same qrels: their warnings are logged once, not once per row.
        var logged = Set<String>()
        for row in rows {
            progress(runs.count, rows.count, "scoring \(row.name)")
            let run =
                try (row.corpus.rows == 0 ? search : nil)?(row, queryIds, qrels, settings)
                ?? Evaluator.evaluate(
                    queries: row.queries, queryIds: queryIds, corpus: row.corpus, corpusIds: corpusIds, qrels: qrels,
                    cutoffs: settings.cutoffs, ignoreIdenticalIds: settings.ignoreIdenticalIds,
                    mapQueries: row.map.map { map in { try map.applyNormalized(to: $0) } })
            for message in run.warnings.messages where logged.insert(message).inserted { log(message) }
            log(String(format: "%@: %d queries, search %.2f s", row.name, run.report.count, run.timing.searchSeconds))
            runs.append((row.name, run))
        }
        progress(rows.count, rows.count, "significance")
        let reports = zip(rows, runs).map { (name: $0.name, role: $0.role, report: $1.run.report) }
        let (table, tests) = try table(
            reports, qrels: qrels, labeled: settings.unseen ? labeled : nil, settings: settings)
        let k = table.metrics.first(where: { $0.hasPrefix("ndcg@") }).flatMap { Int($0.dropFirst(5)) }
        let queries = runs.first?.run.report.queries ?? []
        let random = k.flatMap {
            SanityChecks.randomRankingNDCG(qrels: qrels, queries: queries, corpusIds: corpusIds, k: $0)
        }
        let hits = k.flatMap {
            SanityChecks.randomRankingHits(qrels: qrels, queries: queries, corpusIds: corpusIds, k: $0)
        }
        if let check = SanityChecks.referenceAboveChance(
            table: table, randomNDCG: random, randomHits: hits.map { ($0, queries.count) })
        {
            checks.append(check)
        }
        if let check = SanityChecks.mapsAboveChance(
            table: table, randomNDCG: random, randomHits: hits.map { ($0, queries.count) })
        {
            checks.append(check)
        }
        if let check = SanityChecks.enoughQueries(table: table) { checks.append(check) }
        if let check = try SanityChecks.indexQueriesFollowIds(rows, queryIds: queryIds, evaluated: queries) {
            checks.append(check)
        }
        if let check = try SanityChecks.reembeddedCorpusFollowsIds(rows) { checks.append(check) }
        // The index every map and the index as it is search (the re-embedded corpus is another).
        if let index = rows.first(where: { $0.name != reEmbedded })?.corpus,
            let check = SanityChecks.indexRows(index)
        {
            checks.append(check)
        }
        return Outcome(runs: runs, table: table, tests: tests, checks: checks, qrels: qrels)
    }

    /// The metrics table: means per subset, and paired tests against the reference row.
    public static func table(
        _ rows: [(name: String, role: MetricsRow.Role, report: EvaluationReport)], qrels: Qrels,
        labeled: Qrels?, settings: Settings
    )
        throws -> (MetricsTable, [String: [String: PairedComparison]])
    {
        var subsets: [(QuerySubset, (EvaluationReport) -> EvaluationReport)] = []
        if let first = rows.first?.report {
            subsets.append(
                (
                    QuerySubset(
                        name: "all", queries: first.count,
                        description: "evaluation queries with at least one relevant document"), { $0 }
                ))
            if let labeled {
                let unseen = first.unseen(testQrels: qrels, trainQrels: labeled)
                subsets.append(
                    (
                        QuerySubset(
                            name: "unseen", queries: unseen.count,
                            description: "evaluation queries none of whose relevant documents any labeled query cites"),
                        { $0.unseen(testQrels: qrels, trainQrels: labeled) }
                    ))
            }
        }
        let reference = settings.reference ?? rows.first?.name
        let referenceReport = rows.first { $0.name == reference }?.report
        let tested = settings.testedMetric ?? settings.metrics[0]
        var metricsRows: [MetricsRow] = []
        var tests: [String: [String: PairedComparison]] = [:]
        for (name, role, report) in rows {
            var values: [String: [String: Double]] = [:]
            var significance: [SignificanceEntry] = []
            for (subset, restrict) in subsets {
                let restricted = restrict(report)
                values[subset.name] = Dictionary(
                    uniqueKeysWithValues: settings.metrics.compactMap { metric in
                        restricted.mean[metric].map { (metric, $0) }
                    })
                guard settings.significance, let referenceReport, name != reference, restricted.count > 0 else {
                    continue
                }
                let comparison = try PairedSignificance.compare(
                    restrict(referenceReport), restricted, metric: tested, trials: settings.trials,
                    confidence: settings.confidence, seed: settings.seed)
                tests[name, default: [:]][subset.name] = comparison
                significance.append(
                    SignificanceEntry(
                        subset: subset.name, metric: tested, difference: comparison.meanDifference,
                        pValue: comparison.pValue, lower: comparison.confidenceInterval.lowerBound,
                        upper: comparison.confidenceInterval.upperBound, confidence: comparison.confidenceLevel))
            }
            metricsRows.append(MetricsRow(name: name, role: role, values: values, significance: significance))
        }
        var table = MetricsTable(
            metrics: settings.metrics, subsets: subsets.map(\.0), rows: metricsRows,
            comparedTo: settings.significance ? reference : nil)
        table.upgradeMargin = settings.upgradeMargin
        return (table, tests)
    }

    /// `query-id`, `row`, then one column per metric; rows in table order, queries in report order.
    public static func perQueryTSV(_ runs: [(name: String, run: EvaluationRun)], metrics: [String]) -> String {
        var out = "query-id\trow\t" + metrics.joined(separator: "\t") + "\n"
        for (name, run) in runs {
            let report = run.report
            for (i, query) in report.queries.enumerated() {
                let values = metrics.map { metric in report.columns[metric].map { String(format: "%.6f", $0[i]) } ?? ""
                }
                out += "\(query)\t\(name)\t" + values.joined(separator: "\t") + "\n"
            }
        }
        return out
    }
}
