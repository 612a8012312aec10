import Chroma
import ConfigDecoding
import EmbeddingIO
import Foundation
import Postgres
import Workflows

/// `data.index.postgres`: a pgvector table. The password is never here: a `uri` with one is
/// refused, and libpq reads it from `PGPASSWORD` or `~/.pgpass`.
public struct PostgresIndexConfig: Sendable, Hashable, Encodable {
    /// The libpq connection URI without era's parameters (`postgresql://USER@HOST:PORT/DB?host=...`).
    public var uri: String
    /// The table, optionally schema-qualified (`schema.table`).
    public var table: String
    public var idColumn = PostgresLocation.defaultIdColumn
    public var embeddingColumn = PostgresLocation.defaultEmbeddingColumn
    /// `hnsw.ef_search` for the evaluations' session (as `era evaluate --ef-search`); nil keeps the server's.
    public var efSearch: Int?
    /// `ivfflat.probes` for the evaluations' session (as `era evaluate --probes`); nil keeps the server's.
    public var probes: Int?
    /// Attempts per statement and per reconnection before era gives up on a lost server; nil keeps
    /// `PostgresRetryPolicy`'s.
    public var retryAttempts: Int?
    /// Seconds before the first retry, doubled for each later one; nil keeps `PostgresRetryPolicy`'s.
    public var retryDelay: Double?

    /// era's own parameters of a `postgresql://` location, which here are keys of their own.
    static let ownParameters = ["table", "id_column", "embedding_column"]

    enum CodingKeys: String, CodingKey {
        case uri, table, probes
        case idColumn = "id_column", embeddingColumn = "embedding_column", efSearch = "ef_search"
        case retryAttempts = "retry_attempts", retryDelay = "retry_delay"
    }

    /// The table's location (checked when the configuration was read): `uri` with era's parameters
    /// added, parsed as `--corpus postgresql://...` is, so a password is refused the same way.
    public var location: PostgresLocation {
        get throws {
            guard PostgresLocation.isLocation(uri), var parts = URLComponents(string: uri) else {
                return try PostgresLocation(parsing: uri)  // throws the parser's own message
            }
            let named = (parts.queryItems ?? []).map(\.name).filter(Self.ownParameters.contains)
            if let first = named.first, (parts.password ?? "").isEmpty {
                throw PostgresError.invalidLocation(
                    uri, reason: "holds \(first)=; in a pipeline it is the key data.index.postgres.\(first)")
            }
            parts.queryItems =
                (parts.queryItems ?? []) + [
                    URLQueryItem(name: "table", value: table), URLQueryItem(name: "id_column", value: idColumn),
                    URLQueryItem(name: "embedding_column", value: embeddingColumn),
                ]
            return try PostgresLocation(parsing: parts.string ?? uri)
        }
    }

    /// How every stage that reads the table retries a lost connection (how soon it gives up).
    public var retryPolicy: PostgresRetryPolicy {
        var policy = PostgresRetryPolicy()
        if let retryAttempts { policy.attempts = retryAttempts }
        if let retryDelay { policy.firstDelay = retryDelay }
        return policy
    }

    /// The search settings an evaluation sets for its session.
    public var searchSettings: PostgresIndex.SearchSettings {
        PostgresIndex.SearchSettings(efSearch: efSearch, probes: probes)
    }
}

extension PostgresIndexConfig: IndexStoreConfig {
    static let key = "postgres"
    static let holder = "the table"

    /// `postgres: {uri, table, id_column, embedding_column, ef_search, probes, retry_attempts, retry_delay}`
    /// under `data.index`; the columns default to `id` and `embedding`. The URI is checked here (a password in it is
    /// refused, as `--corpus postgresql://...` refuses it); the server is not contacted.
    static func decode(_ d: ConfigNodeDecoder) -> PostgresIndexConfig? {
        d.require("uri", "table")
        let uri: String? = d.decode("uri"), table: String? = d.decode("table")
        let idColumn = d.decode("id_column") ?? PostgresLocation.defaultIdColumn
        let embeddingColumn = d.decode("embedding_column") ?? PostgresLocation.defaultEmbeddingColumn
        let efSearch: Int? = d.decode("ef_search", expecting: "an integer >= 1") { $0 >= 1 }
        let probes: Int? = d.decode("probes", expecting: "an integer >= 1") { $0 >= 1 }
        let retryAttempts: Int? = d.decode("retry_attempts", expecting: "an integer >= 1") { $0 >= 1 }
        let retryDelay: Double? = d.decode("retry_delay", expecting: "a number of seconds >= 0") {
            $0.isFinite && $0 >= 0
        }
        guard let uri, let table else { return nil }
        let config = PostgresIndexConfig(
            uri: uri, table: table, idColumn: idColumn, embeddingColumn: embeddingColumn, efSearch: efSearch,
            probes: probes, retryAttempts: retryAttempts, retryDelay: retryDelay)
        do {
            _ = try config.location
        } catch {
            // Placed at the URI; the index still counts as set: one problem, not a second "needs data.index".
            (d["uri"] ?? d).report("\(error)")
        }
        return config
    }

    static func notAFileHint(_ path: String) -> String? {
        guard path.contains("postgresql:/") || path.contains("postgres:/") else { return nil }
        return "; this is a database, not a file: a pgvector table is set as "
            + "data.index.postgres: {uri: postgresql://USER@HOST:PORT/DB, table: NAME}; "
            + "other data must be local files"
    }

    /// The table's `postgresql://` location (never a password: one is refused).
    var manifestPath: String {
        (try? location.description) ?? "\(table)"
    }

    /// `PostgresTable.identity()` (the table's location, row count, dimension and a SHA-256 over
    /// its first rows by id), hashed once more (a count and the first rows). A stage that reads the
    /// table runs again when any of them changed.
    func readIdentity() throws -> RunManifest.Input {
        do {
            let table = try PostgresTable(try location, policy: retryPolicy)
            let digest = SHA256.hex(try table.identity())
            return RunManifest.Input(path: manifestPath, bytes: 0, sha256: digest, records: table.rowCount)
        } catch let error as PostgresError {
            throw PipelineRunError("\(Self.keyPath): \(error)")
        }
    }

    /// The table's identity, and for an evaluation the search settings it sets (they change what
    /// an approximate index returns).
    func fingerprintInput(hashes: [String: String], evaluates: Bool) -> String {
        let identity = hashes[manifestPath] ?? "missing"
        guard evaluates, efSearch != nil || probes != nil else { return identity }
        return identity
            + " ef_search \(efSearch.map(String.init) ?? "-") probes \(probes.map(String.init) ?? "-")"
    }

    func indexSource() throws -> IndexSource {
        try Self.wrap { .postgres(try location, search: searchSettings, policy: retryPolicy) }
    }

    static func named(_ error: any Error) -> any Error {
        do { return try wrap { throw error } } catch { return error }
    }

    /// A table that was lost says the run resumes at this stage.
    static func searchFailure(_ error: any Error) -> (any Error)? {
        error is PostgresError ? named(error) : nil
    }

    /// The `postgresql://` location as `--target` / `--corpus` take it (never a password: the
    /// configuration refuses a URI with one).
    var commandLineLocation: String? { (try? location)?.description }

    /// Runs `body`, telling a store error by the key path; a lost server says the run resumes.
    static func wrap<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as PostgresError {
            switch error {
            case .connectionLost, .unreachable: break
            default: throw PipelineRunError("\(keyPath): \(error)")
            }
            // Nothing of the failed stage is kept, and what finished before it is reused.
            throw PipelineRunError(
                "\(keyPath): \(error); the stages that finished are kept, so the run resumes at this one")
        } catch let error as ChromaError {
            // The by-id fetch shared with Chroma reports rows that vanished while they were read.
            throw PipelineRunError("\(keyPath): \(error)")
        }
    }
}
