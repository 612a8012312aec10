import AdapterFormat
import Alignment
import Foundation
import LinearAlgebra
import Retrieval

/// Stage two as one request, the same for `era adapt` and `kind: adapt`: what the user gave (the
/// stage-one adapter, the files, the index, the settings), read, checked and trained by ``run(progress:warn:)``.
///
/// The front ends only parse and print: every input is read here, each failure carries the input's
/// ``Role`` (``Failure``), and the CLI names it by flag, the pipeline by key path.
public struct AdaptRequest {
    /// What an input is to stage two, for naming it in a message (`--queries`, `data.queries.embeddings`).
    public enum Role: String, Sendable, CaseIterable {
        case stageOne, queries, queryIds, index, indexIds, indexQueries, labels
        /// Stage two's settings (a refusal of the trainer that no input caused).
        case settings
    }

    /// What happens while the request runs, for the front end's log.
    public enum Event {
        /// The index's store was pulled whole: `rows` from `store`, in `pages` (Chroma) or one COPY (nil).
        case pulled(store: String, rows: Int, pages: Int?)
        /// The trainer's events.
        case training(AdaptEvent)
        /// Hard negatives were mined through the store: one line for a person, and the figures for a summary.
        case minedThroughStore(line: String, summary: [String: Any])
    }

    public var stageOne: Adapter
    /// How messages name the stage-one adapter (its file, or the stage it came from).
    public var stageOneName: String
    /// The query model's embeddings of the queries (`.npy`) and their ids.
    public var queries: String
    public var queryIds: String
    /// The index stage two scores (and mines hard negatives in): a store is pulled whole.
    public var index: IndexSource
    /// The index model's embeddings of the same queries, rows in the order of `queryIds`.
    public var indexQueries: String?
    /// A map may read `indexQueries` (a hybrid adapter) when the index model is not retired.
    public var hybrid = true
    /// The index model cannot embed new queries: no map reads `indexQueries`.
    public var indexModelRetired = false
    /// Fit the score calibration on `indexQueries` even when no map reads them.
    public var calibrateWithIndexQueries = false
    /// The TRAINING relevance judgments, the only labels stage two reads.
    public var labels: String
    public var settings: AdaptSettings
    /// Extra adapter metadata (e.g. the pipeline's name).
    public var metadata: [String: String] = [:]
    /// Refuse NaN or infinity, id lists of the wrong length and dimensions the adapter cannot map,
    /// and read `indexQueries` whenever given; a pipeline has checked its files when it loaded them.
    public var checkInputs = true
    /// The run's input files, each read once.
    public var files: InputFiles

    public init(
        stageOne: Adapter, stageOneName: String, queries: String, queryIds: String, index: IndexSource, labels: String,
        settings: AdaptSettings = AdaptSettings(), files: InputFiles = InputFiles()
    ) {
        self.stageOne = stageOne
        self.stageOneName = stageOneName
        self.queries = queries
        self.queryIds = queryIds
        self.index = index
        self.labels = labels
        self.settings = settings
        self.files = files
    }

    /// What stage two trains on, read and checked: the problem (with the search that mines hard
    /// negatives through the store, when it can stand for the inner product), and the index model's
    /// queries that only the score calibration reads.
    public struct Prepared {
        public var problem: AdaptProblem
        public var calibrationQueries: (any RowMatrix)?
        /// With a store whose search mines the negatives: starts counting its traffic, for the report.
        public var miningTraffic: (() -> (_ seconds: Double) -> (line: String, summary: [String: Any]))?
    }

    /// Loads, checks and trains: the adapter, the trainer's result and the calibration.
    /// - Parameters:
    ///   - progress: pulls, the trainer's events and the store's mining traffic.
    ///   - warn: what the input loses or cannot do, by the input it is about (the labels' dropped
    ///     judgments; a collection whose ranking cannot stand for the inner product).
    /// - Throws: ``Failure``, with the role of the input at fault.
    public func run(
        progress: (Event) -> Void = { _ in }, warn: (Role, String) -> Void = { _, _ in }
    ) throws(Failure) -> AdaptWorkflow.Outcome {
        let prepared = try prepare(progress: progress, warn: warn)
        let report = prepared.miningTraffic?()
        do {
            return try AdaptWorkflow.run(
                prepared.problem, stageOne: stageOne, settings: settings, metadata: metadata,
                calibrationQueries: prepared.calibrationQueries, warn: { warn(.labels, $0) },
                progress: { event in
                    progress(.training(event))
                    if case .mined(let seconds) = event, let report {
                        let mined = report(seconds)
                        progress(.minedThroughStore(line: mined.line, summary: mined.summary))
                    }
                })
        } catch {
            throw Failure(role: Self.role(of: error, stageOne: stageOne), reason: .training(error))
        }
    }

    /// Which input a trainer's refusal is about: a hybrid stage one, labels none of which could be used, else the settings.
    static func role(of error: AlignmentError, stageOne: Adapter) -> Role {
        if stageOne.isHybrid { return .stageOne }
        if case .tooFewLabeledQueries = error { return .labels }
        return .settings
    }
}
