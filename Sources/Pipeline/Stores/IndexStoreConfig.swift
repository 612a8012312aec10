import ConfigDecoding
import Workflows

/// The pipeline's side of an index kept in a store (`data.index.<key>`): everything the
/// configuration, the manifest, the fingerprints, the stages and the checks need to know of one
/// store, so that a store is added in one file (and one line of ``IndexStores/all``).
protocol IndexStoreConfig: Sendable, Hashable, Encodable {
    /// The key under `data.index` (`chroma`, `postgres`).
    static var key: String { get }
    /// What holds the documents and their ids, for messages ("the collection", "the table").
    static var holder: String { get }

    /// Reads the store's mapping under `data.index`, checking what can be checked without the
    /// server (problems are reported on `decoder`); nil when a required key is missing.
    static func decode(_ decoder: ConfigNodeDecoder) -> Self?

    /// Why a data file that does not exist looks like this store's location, with how to set the
    /// store instead; nil when it does not.
    static func notAFileHint(_ path: String) -> String?

    /// The store's location as the manifest names it (never a secret).
    var manifestPath: String { get }

    /// Opens the store and reads what stands for it in the manifest in place of a file's hash.
    func readIdentity() throws -> RunManifest.Input

    /// The fingerprint input of a stage that reads the store.
    /// - Parameters:
    ///   - hashes: the identities read, by manifest path.
    ///   - evaluates: whether the stage is an evaluation (search settings change what it finds).
    func fingerprintInput(hashes: [String: String], evaluates: Bool) -> String

    /// The store as the index the stages read.
    func indexSource() throws -> IndexSource

    /// An error met while the store was read, as the pipeline tells it (named by ``keyPath``); any
    /// other error as it is.
    static func named(_ error: any Error) -> any Error

    /// An error of an evaluation's search that this store raised, as the pipeline tells it; nil
    /// when the error is not this store's.
    static func searchFailure(_ error: any Error) -> (any Error)?

    /// The store's location as `--corpus` / `--target` take it, or nil when the command line cannot
    /// name it (the logged command line is then left out).
    var commandLineLocation: String? { get }
}

extension IndexStoreConfig {
    /// `data.index.<key>`: how messages, the manifest and the fingerprints name the store.
    static var keyPath: String { "data.index.\(key)" }

    /// The store's identity alone (a store whose settings change what it finds adds them).
    func fingerprintInput(hashes: [String: String], evaluates: Bool) -> String {
        hashes[manifestPath] ?? "missing"
    }
}

/// Every store a pipeline can name under `data.index`. When `data.index` names two, the first in
/// this order is the one read.
enum IndexStores {
    static let all: [any IndexStoreConfig.Type] = [ChromaIndexConfig.self, PostgresIndexConfig.self]

    /// The store whose key path is `keyPath`, if any.
    static func store(at keyPath: String) -> (any IndexStoreConfig.Type)? {
        all.first { $0.keyPath == keyPath }
    }
}
