import Chroma
import ConfigDecoding
import EmbeddingIO
import Foundation
import Workflows

/// `data.index.chroma`: a collection on a Chroma server. The API token is never here: era reads
/// it from the environment variable `ERA_CHROMA_TOKEN`.
public struct ChromaIndexConfig: Sendable, Hashable, Encodable {
    /// The server, `http://HOST:PORT` (or https).
    public var url: String
    public var collection: String
    public var tenant: String
    public var database: String

    /// Records hashed into the identity.
    static let hashedRecords = 64

    /// The collection's location (checked when the configuration was read).
    public var location: ChromaLocation {
        get throws { try ChromaLocation(server: url, collection: collection, tenant: tenant, database: database) }
    }
}

extension ChromaIndexConfig: IndexStoreConfig {
    static let key = "chroma"
    static let holder = "the collection"

    /// `chroma: {url, collection, tenant, database}` under `data.index`; tenant and database default
    /// to Chroma's. The URL and names are checked here; the server is not contacted.
    static func decode(_ d: ConfigNodeDecoder) -> ChromaIndexConfig? {
        d.require("url", "collection")
        let url: String? = d.decode("url"), collection: String? = d.decode("collection")
        let tenant = d.decode("tenant") ?? ChromaLocation.defaultTenant
        let database = d.decode("database") ?? ChromaLocation.defaultDatabase
        guard let url, let collection else { return nil }
        let config = ChromaIndexConfig(url: url, collection: collection, tenant: tenant, database: database)
        do { _ = try config.location } catch {
            // Recorded, and the index still counts as set: one problem, not a second "needs data.index".
            d.report("\(error)")
        }
        return config
    }

    static func notAFileHint(_ path: String) -> String? {
        guard EmbeddingIOError.looksLikeURL(path) else { return nil }
        return "; this is a web address, not a file: a Chroma index is set as "
            + "data.index.chroma: {url: http://HOST:PORT, collection: NAME}; other data must be local files"
    }

    /// The collection's `chroma://` location (no token: era never has one in a file).
    var manifestPath: String {
        (try? location.description) ?? "\(url)/\(collection)"
    }

    /// The collection's UUID (a deleted and re-created collection is another), its record count,
    /// and a digest of its first records' ids and embeddings (three requests). A stage that reads
    /// the index runs again when any of them changed.
    func readIdentity() throws -> RunManifest.Input {
        do {
            let collection = try ChromaCollection(try location)
            let first = try collection.first(Self.hashedRecords)
            var hasher = SHA256()
            hasher.update("chroma \(collection.id) \(collection.recordCount) \(collection.space.rawValue)\n")
            for (i, id) in first.ids.enumerated() {
                hasher.update("\(id) " + first.matrix.row(i).map { "\($0.bitPattern)" }.joined(separator: " ") + "\n")
            }
            let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
            return RunManifest.Input(
                path: manifestPath, bytes: 0, sha256: digest, collectionId: collection.id,
                records: collection.recordCount)
        } catch {
            throw Self.named(error)
        }
    }

    func indexSource() throws -> IndexSource {
        do { return .chroma(try location) } catch { throw Self.named(error) }
    }

    static func named(_ error: any Error) -> any Error {
        error is ChromaError ? PipelineRunError("\(keyPath): \(error)") : error
    }

    static func searchFailure(_ error: any Error) -> (any Error)? { nil }

    /// Nil: `era align` / `era adapt` take no collection in place of files.
    var commandLineLocation: String? { nil }
}
