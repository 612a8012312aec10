import Chroma
import EmbeddingIO
import Foundation

/// What stands for a Chroma collection in the manifest and the fingerprints, in place of a file's
/// hash: its UUID (a deleted and re-created collection is another), its record count, and a digest
/// of its first records' ids and embeddings. A stage that reads the index runs again when any of
/// them changed.
struct ChromaIdentity {
    static let keyPath = "data.index.chroma"
    /// Records hashed into the identity.
    static let hashedRecords = 64

    var input: RunManifest.Input

    /// The manifest path of a collection: its `chroma://` location (no token: era never has one in a file).
    static func path(_ config: ChromaIndexConfig) -> String {
        (try? config.location.description) ?? "\(config.url)/\(config.collection)"
    }

    /// Opens the collection and reads its identity (three requests).
    static func read(_ config: ChromaIndexConfig) throws -> ChromaIdentity {
        do {
            let collection = try ChromaCollection(try config.location)
            let first = try collection.first(hashedRecords)
            var hasher = SHA256()
            hasher.update("chroma \(collection.id) \(collection.recordCount) \(collection.space.rawValue)\n")
            for (i, id) in first.ids.enumerated() {
                hasher.update("\(id) " + first.matrix.row(i).map { "\($0.bitPattern)" }.joined(separator: " ") + "\n")
            }
            let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
            return ChromaIdentity(
                input: RunManifest.Input(
                    path: path(config), bytes: 0, sha256: digest, collectionId: collection.id,
                    records: collection.recordCount))
        } catch let error as ChromaError {
            throw PipelineRunError("\(keyPath): \(error)")
        }
    }
}
