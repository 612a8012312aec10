import AdapterFormat
import Alignment
import Foundation
import LinearAlgebra
import Retrieval

extension EvaluateWorkflow {
    /// What the user gave an evaluation, from `era evaluate`'s flags or a pipeline's evaluate stage:
    /// ``EvaluateWorkflow/run(_:progress:log:)`` checks the inputs against each other, scores every
    /// row and returns one ``Result`` that ``EvaluationRenderer`` prints.
    public struct Request: Sendable {
        /// The maps scored, in table order, each named (nil adapter: the queries as they are); the last is
        /// the primary one (`era evaluate --adapter`).
        public var maps: [(label: String, adapter: Adapter?)]
        public var queries: any RowMatrix
        public var queryIds: [String]
        /// Where the queries are searched.
        public var index: Index
        /// The index model's own embeddings of the same queries: the `index-as-is` baseline and the
        /// second input of hybrid maps.
        public var indexQueries: (any RowMatrix)?
        /// The index model cannot embed new queries: `indexQueries` only score the index as it was,
        /// a hybrid map is refused, and the verdict answers the upgrade question.
        public var retiredIndexModel = false
        /// The corpus re-embedded by the query model, rows in the index's order (the `re-embedded` baseline).
        public var reembeddedCorpus: (any RowMatrix)?
        public var qrels: Qrels
        /// The labeled (training) qrels: the unseen subset, and the check that no evaluation query is labeled.
        public var unseenAgainst: Qrels?
        /// The rows scored before the maps, in order.
        public var baselines: [Baseline] = []
        public var settings: EvaluateSettings
        /// The row every other row is tested against; nil: `index-as-is` when it is a baseline, else `compare`.
        public var reference: String?
        /// The map the primary one is tested against as well (`era evaluate --compare`).
        public var compare: String?
        /// The metric of the paired tests (nil: the first of the settings' metrics).
        public var testedMetric: String?
        public var seed: UInt64 = 0
        /// With a store index: also search the records pulled whole exactly, and compare.
        public var compareExact = false
        /// How the checks name the two qrels inputs and the option that drops labeled evaluation queries.
        public var evaluationFile = "the evaluation qrels"
        public var labeledFile = "the labeled qrels"
        public var excludeLabeledOption = "exclude them from the evaluation"
        /// Measure the primary map's score calibration on these queries (``ScoreCalibrationCheck``).
        public var measuresScoreCalibration = true

        public init(
            maps: [(label: String, adapter: Adapter?)], queries: any RowMatrix, queryIds: [String], index: Index,
            qrels: Qrels, settings: EvaluateSettings
        ) {
            self.maps = maps
            self.queries = queries
            self.queryIds = queryIds
            self.index = index
            self.qrels = qrels
            self.settings = settings
        }
    }

    /// The index an evaluation searches, resolved from an ``IndexSource`` (``IndexSource/searched(files:checked:judged:)``).
    public enum Index: Sendable {
        /// Document embeddings and their ids, searched exactly.
        case files(corpus: any RowMatrix, ids: [String])
        /// A store opened and checked, searched through its own query path (a `0 x dimension` corpus).
        case store(any ServedIndex)

        /// The documents' dimension.
        public var dimension: Int {
            switch self {
            case .files(let corpus, _): corpus.columns
            case .store(let index): index.serverCorpus.columns
            }
        }
    }

    /// A row scored before the maps: what the user has without one.
    public enum Baseline: Sendable {
        /// The index model's own queries (``EvaluateWorkflow/indexAsIs``).
        case indexAsIs
        /// The query model's queries against the re-embedded corpus (``EvaluateWorkflow/reEmbedded``).
        case reEmbedded
        /// A map fitted by the caller (the pipeline's centred Procrustes map of the alignment pairs).
        case map(name: String, AffineMap<Float>)

        public var name: String {
            switch self {
            case .indexAsIs: EvaluateWorkflow.indexAsIs
            case .reEmbedded: EvaluateWorkflow.reEmbedded
            case .map(let name, _): name
            }
        }
    }
}
