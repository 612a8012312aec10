import Alignment
import Foundation

/// Stage one as one request, the same for `era align` and `kind: align`: the query model's table, the
/// index model's side (files, or the records of a Chroma collection or a pgvector table), the
/// settings, read and matched (paired by id, or unpaired) and trained by ``run(progress:)``.
///
/// The front ends only parse and print: every input is read here, each failure carries the input's
/// ``Role`` (``Failure``), and the CLI names it by flag, the pipeline by key path.
public struct AlignRequest {
    /// What an input is to stage one, for naming it in a message (`--target`, `data.alignment.index_model`).
    public enum Role: String, Sendable, CaseIterable {
        case source, sourceIds, target, targetIds
        /// The sample size and the anchor count of the settings.
        case sample, anchors
        /// The choice of unpaired alignment (named where a message suggests it or depends on it).
        case unpaired
        /// Stage one's other settings (a refusal of the trainer that no input caused).
        case settings
    }

    /// What happens while the request runs, for the front end's log.
    public enum Event {
        /// Paired: the sampled texts' `rows` fetched by id from `store`, in `pages` (Chroma) or one
        /// query (nil); `missing` source ids are not in the store.
        case fetched(store: String, kind: StoreKind, rows: Int, pages: Int?, missing: Int)
        /// Unpaired: `rows` records of the collection `store` sampled in `pages`.
        case sampled(store: String, rows: Int, pages: Int)
        /// The pairs are known (`p`, `m`: the two dimensions); the warm start begins.
        case started(pairs: Int, p: Int, m: Int)
        case training(TrainingEvent)
        case unpaired(UnpairedAligner.Event)
    }

    /// The query model's embeddings of the alignment texts (`.npy`) and their ids.
    public var source: String
    public var sourceIds: String?
    /// The index model's side of the alignment texts: an embeddings file and the ids of its rows
    /// (optional when unpaired), or a store (paired: the sampled texts' records fetched by id;
    /// unpaired: a sample of a Chroma collection's records).
    public var target: IndexSource
    public var settings: AlignSettings
    /// Seed of the sample, the held-out split, the shuffles and the random start.
    public var seed: UInt64
    public var sourceModel: String
    public var targetModel: String
    /// Written into the adapter beside era's own keys (e.g. the pipeline's name).
    public var metadata: [String: String] = [:]
    /// Write the label-free hybrid with this a instead of the map.
    public var hybridAlpha: Double?
    /// The a of the label-free hybrid when none is given (stage two's, the same mix).
    public static let defaultHybridAlpha = AdaptSettings.defaultHybridAlpha
    /// `sourceIds` names the rows of both files (a pipeline's `data.alignment.ids`), and without it
    /// rows match by position; unpaired, the list is used (for anchors, none unless asked) only when
    /// both files have that many rows, and never with a store.
    public var sharedIds = false
    /// Refuse id lists whose length is not their table's row count; a pipeline has checked its
    /// files when it loaded them.
    public var checkInputs = true
    /// The run's input files, each read once.
    public var files: InputFiles

    public init(
        source: String, sourceIds: String?, target: IndexSource, settings: AlignSettings = AlignSettings(),
        seed: UInt64,
        sourceModel: String, targetModel: String, files: InputFiles = InputFiles()
    ) {
        self.source = source
        self.sourceIds = sourceIds
        self.target = target
        self.settings = settings
        self.seed = seed
        self.sourceModel = sourceModel
        self.targetModel = targetModel
        self.files = files
    }

    /// Reads and matches the inputs, and trains.
    /// - Parameter progress: the store's fetch or sample, the pair count, the trainer's and the
    ///   unpaired matching's events.
    /// - Throws: ``Failure``, with the role of the input at fault.
    public func run(progress: (Event) -> Void = { _ in }) throws(Failure) -> AlignWorkflow.Outcome {
        let request = try prepare(progress: progress)
        do {
            return try AlignWorkflow.run(
                request, started: { progress(.started(pairs: $0, p: $1, m: $2)) },
                progress: { progress(.training($0)) }, unpairedProgress: { progress(.unpaired($0)) })
        } catch {
            throw Failure(error, unpaired: settings.pairing == .unpaired)
        }
    }

    /// `mpnet.corpus.npy` -> `mpnet`; `chroma://host:8000/scifact-minilm` -> `scifact-minilm`; a
    /// pgvector table's location -> the table.
    public static func modelName(_ location: String) -> String {
        ((try? IndexSource(parsing: location, ids: nil)) ?? .files(embeddings: location, ids: nil)).modelName
    }

    /// The target a user named: a store's location (whose records carry their ids), or an
    /// embeddings file with its id list.
    public static func target(_ location: String, ids: String?) throws(Failure) -> IndexSource {
        do { return try IndexSource(parsing: location, ids: ids) } catch {
            switch error.problem {
            case .storeCarriesIds(let kind): throw Failure(role: .targetIds, problem: .storeCarriesIds(kind))
            case .unreadable(let error): throw Failure(role: .target, problem: .unreadable(error))
            }
        }
    }

    static func read<T>(_ role: Role, _ body: () throws -> T) throws(Failure) -> T {
        do { return try body() } catch let failure as Failure { throw failure } catch {
            throw Failure(role: role, problem: .unreadable(error))
        }
    }
}
