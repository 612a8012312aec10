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
