import AdapterFormat
import Alignment
import Foundation
import LinearAlgebra
import Reports
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

    /// Evaluates the rows `index-as-is` (with the index model's queries), `re-embedded`, `compare` and
    /// the adapter, then tests the adapter against `compare` and every map against the reference: a
    /// ``Request`` of loaded matrices and workflow settings, scored exactly in `corpus` or through `search`.
    public static func run(_ request: AdapterRequest) throws -> AdapterOutcome {
        let (maps, compareName) = Request.adapterPair(adapter: request.adapter, compare: request.compare)
        var evaluation = Request(
            maps: maps, queries: request.queries, queryIds: request.queryIds,
            index: .files(corpus: request.corpus, ids: request.corpusIds), qrels: request.qrels,
            settings: EvaluateSettings())
        evaluation.indexQueries = request.indexQueries
        evaluation.retiredIndexModel = request.retiredIndexModel
        evaluation.reembeddedCorpus = request.reembeddedCorpus
        evaluation.unseenAgainst = request.labeled
        evaluation.baselines =
            (request.indexQueries == nil ? [] : [.indexAsIs]) + (request.reembeddedCorpus == nil ? [] : [.reEmbedded])
        evaluation.compare = compareName
        var settings = request.settings
        settings.reference = request.indexQueries != nil ? indexAsIs : compareName
        if request.retiredIndexModel, settings.upgradeMargin == nil {
            settings.upgradeMargin = VerdictSettings().margin
        }
        if !request.retiredIndexModel { settings.upgradeMargin = nil }
        settings.significance = settings.reference != nil
        do {
            return try evaluate(
                evaluation, settings: settings, corpus: request.corpus, corpusIds: request.corpusIds,
                search: request.search, progress: { _, _, _ in }, log: { _ in })
        } catch let error as EvaluateInputError {
            // This entry point has always thrown what the evaluation threw.
            switch error.problem {
            case .adapter(let adapterError): throw adapterError
            case .nothingToDo(let message): throw RetrievalError.empty(message)
            default: throw error
            }
        }
    }
}

extension EvaluateWorkflow.Request {
    /// `era evaluate`'s maps: `compare` (when given), then `adapter` (nil: the queries as they are, `queries`);
    /// the compared map's label gets " (compare)" when both files have the same name.
    public static func adapterPair(
        adapter: (label: String, adapter: Adapter)?, compare: (label: String, adapter: Adapter)?
    ) -> (maps: [(label: String, adapter: Adapter?)], compare: String?) {
        let compareName = compare.map { $0.label == adapter?.label ? "\($0.label) (compare)" : $0.label }
        var maps: [(label: String, adapter: Adapter?)] = []
        if let compare, let compareName { maps.append((compareName, compare.adapter)) }
        maps.append((adapter?.label ?? "queries", adapter?.adapter))
        return (maps, compareName)
    }
}
