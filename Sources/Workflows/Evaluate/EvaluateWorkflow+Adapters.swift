import Alignment
import Foundation
import LinearAlgebra
import Retrieval

extension EvaluateWorkflow {
    /// One evaluation of a set of queries, optionally through an adapter, optionally tested against
    /// a second adapter and against the index as it is (the index model's own queries): what
    /// `era evaluate` asks.
    public struct AdapterRequest: Sendable {
        public var queries: any RowMatrix
        public var queryIds: [String]
        public var corpus: any RowMatrix
        public var corpusIds: [String]
        public var qrels: Qrels
        /// The training qrels that define the unseen subset.
        public var labeled: Qrels?
        /// The map evaluated (nil: the queries as they are) and its label.
        public var adapter: (label: String, adapter: Adapter)?
        /// A second map tested against `adapter` on the same queries.
        public var compare: (label: String, adapter: Adapter)?
        /// The index model's own embeddings of the same queries: the second input of hybrid maps and
        /// the `index-as-is` reference of the verdict.
        public var indexQueries: (any RowMatrix)?
        /// The index model cannot embed new queries: `indexQueries` only score the index as it was
        /// (never a map's input; a hybrid adapter is refused), and the verdict answers the upgrade
        /// question with `settings.upgradeMargin` (0.01 when unset).
        public var retiredIndexModel = false
        /// The query model's queries against the corpus re-embedded by the query model (the `re-embedded` row).
        public var reembeddedCorpus: (any RowMatrix)?
        public var settings: Settings
        /// Where the queries are searched (nil: exactly in `corpus`).
        public var search: Search?

        public init(
            queries: any RowMatrix, queryIds: [String], corpus: any RowMatrix, corpusIds: [String], qrels: Qrels,
            labeled: Qrels?, adapter: (label: String, adapter: Adapter)?, compare: (label: String, adapter: Adapter)?,
            indexQueries: (any RowMatrix)?, settings: Settings
        ) {
            self.queries = queries
            self.queryIds = queryIds
            self.corpus = corpus
            self.corpusIds = corpusIds
            self.qrels = qrels
            self.labeled = labeled
            self.adapter = adapter
            self.compare = compare
            self.indexQueries = indexQueries
            self.settings = settings
        }
    }

    /// What `era evaluate` reports.
    public struct AdapterOutcome: Sendable {
        /// The evaluated map's (or raw queries') run, and its unseen subset.
        public var run: EvaluationRun
        public var unseen: EvaluationReport?
        /// `adapter` minus `compare` per subset, when a second map was given.
        public var comparison: [String: PairedComparison]?
        /// Against the index as it is when its queries were given; else against `compare`.
        public var verdict: Verdict?
        /// Every row's run, the table and the tests.
        public var rows: Outcome
        /// The sanity checks (a failed one withholds the verdict).
        public var checks: [SanityCheck] { rows.checks }
        /// The adapter's score calibration measured on these queries (it carries one and the index
        /// model's queries were given).
        public var scoreCalibration: ScoreCalibrationCheck? = nil
    }

    /// Evaluates the rows `index-as-is` (with the index model's queries), `compare` and the adapter,
    /// then tests the adapter against `compare` and every map against the reference.
    public static func run(_ request: AdapterRequest) throws -> AdapterOutcome {
        var rows: [Row] = []
        if let own = request.indexQueries {
            rows.append(Row(name: indexAsIs, role: .baseline, queries: own, corpus: request.corpus))
        }
        if let reembedded = request.reembeddedCorpus {
            rows.append(Row(name: reEmbedded, role: .baseline, queries: request.queries, corpus: reembedded))
        }
        func row(_ name: String, _ adapter: Adapter?) throws -> Row {
            guard let adapter else {
                return Row(name: name, role: .stage, queries: request.queries, corpus: request.corpus)
            }
            if adapter.isHybrid, request.retiredIndexModel { throw AdapterInputError.hybridWithRetiredIndexModel }
            return try EvaluateWorkflow.row(
                name, adapter: adapter, queries: request.queries,
                indexQueries: adapter.isHybrid ? request.indexQueries : nil, corpus: request.corpus)
        }
        let compareName = request.compare.map {
            $0.label == request.adapter?.label ? "\($0.label) (compare)" : $0.label
        }
        if let compare = request.compare, let compareName { rows.append(try row(compareName, compare.adapter)) }
        let name = request.adapter?.label ?? "queries"
        rows.append(try row(name, request.adapter?.adapter))
        var settings = request.settings
        settings.reference = request.indexQueries != nil ? indexAsIs : compareName
        if request.retiredIndexModel, settings.upgradeMargin == nil {
            settings.upgradeMargin = VerdictSettings().margin
        }
        if !request.retiredIndexModel { settings.upgradeMargin = nil }
        settings.significance = settings.reference != nil
        let outcome = try run(
            rows, queryIds: request.queryIds, corpusIds: request.corpusIds, qrels: request.qrels,
            labeled: request.labeled, settings: settings, search: request.search)
        let primary = outcome.runs[outcome.runs.count - 1].run
        let unseenLabels = settings.unseen ? request.labeled : nil
        var comparison = compareName.flatMap {
            outcome.tests[name] != nil && settings.reference == $0 ? outcome.tests[name] : nil
        }
        if let compareName, comparison == nil {
            var against = settings
            against.reference = compareName
            let reports = zip(rows, outcome.runs).map { (name: $0.name, role: $0.role, report: $1.run.report) }
            comparison = try table(reports, qrels: outcome.qrels, labeled: unseenLabels, settings: against).1[name]
        }
        let calibration = try request.adapter.flatMap {
            try ScoreCalibrationCheck.measure(
                adapter: $0.adapter, queries: request.queries, queryIds: request.queryIds,
                indexQueries: request.indexQueries, corpus: request.corpus, qrels: outcome.qrels)
        }
        return AdapterOutcome(
            run: primary,
            unseen: unseenLabels.map { primary.report.unseen(testQrels: outcome.qrels, trainQrels: $0) },
            comparison: comparison, verdict: Verdict.of(outcome.table, checks: outcome.checks), rows: outcome,
            scoreCalibration: calibration)
    }
}
