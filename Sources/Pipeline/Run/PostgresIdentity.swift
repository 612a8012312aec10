import EmbeddingIO
import Foundation
import Postgres

/// What stands for a pgvector table in the manifest and the fingerprints, in place of a file's
/// hash: `PostgresTable.identity()` (its location, row count, dimension and a SHA-256 over its
/// first rows by id), hashed once more. A stage that reads the table runs again when any of them changed.
struct PostgresIdentity {
    static let keyPath = "data.index.postgres"

    var input: RunManifest.Input

    /// The manifest path of a table: its `postgresql://` location (never a password: one is refused).
    static func path(_ config: PostgresIndexConfig) -> String {
        (try? config.location.description) ?? "\(config.table)"
    }

    /// Opens the table and reads its identity (a count and the first rows).
    static func read(_ config: PostgresIndexConfig) throws -> PostgresIdentity {
        do {
            let table = try PostgresTable(try config.location, policy: config.retryPolicy)
            let digest = SHA256.hex(try table.identity())
            return PostgresIdentity(
                input: RunManifest.Input(path: path(config), bytes: 0, sha256: digest, records: table.rowCount))
        } catch let error as PostgresError {
            throw PipelineRunError("\(keyPath): \(error)")
        }
    }

    /// The fingerprint input of a stage that reads the table: its identity, and for an evaluation
    /// the search settings it sets (they change what an approximate index returns).
    static func fingerprintInput(_ config: PostgresIndexConfig, hashes: [String: String], evaluates: Bool) -> String {
        let identity = hashes[path(config)] ?? "missing"
        guard evaluates, config.efSearch != nil || config.probes != nil else { return identity }
        return identity
            + " ef_search \(config.efSearch.map(String.init) ?? "-") probes \(config.probes.map(String.init) ?? "-")"
    }
}
