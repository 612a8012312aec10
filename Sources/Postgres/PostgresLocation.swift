import Foundation

/// A pgvector table named by a libpq connection URI plus three parameters of era's own:
/// `postgresql://USER@HOST:PORT/DB?table=T&id_column=ID&embedding_column=E`.
///
/// era removes `table`, `id_column` and `embedding_column` and hands the rest to libpq unchanged, so
/// every libpq parameter works (`host=` may name a socket directory, `sslmode=`, `connect_timeout=`).
/// The password never comes from the URI: a flag or a pipeline file ends up in logs, reports and
/// shell history, so a URI with a password is refused and libpq's own `PGPASSWORD` or `~/.pgpass`
/// supplies it.
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    /// The URI handed to libpq (era's parameters removed).
    public var connection: String
    /// The table, optionally schema-qualified (`schema.table`).
    public var table: String
    public var idColumn: String
    public var embeddingColumn: String

    public static let defaultIdColumn = "id"
    public static let defaultEmbeddingColumn = "embedding"

    public init(
        connection: String, table: String, idColumn: String = defaultIdColumn,
        embeddingColumn: String = defaultEmbeddingColumn
    ) {
        self.connection = connection
        self.table = table
        self.idColumn = idColumn
        self.embeddingColumn = embeddingColumn
    }

    /// Whether `text` names a Postgres table rather than a file.
    public static func isLocation(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// Parses the URI form above.
    /// - Throws: ``PostgresError/invalidLocation(_:reason:)`` without `table`, with a password, or when
    ///   the text is not a `postgresql://` URI.
    public init(parsing text: String) throws {
        guard Self.isLocation(text), var parts = URLComponents(string: text) else {
            throw PostgresError.invalidLocation(
                text, reason: "expected postgresql://USER@HOST:PORT/DB?table=T&id_column=ID&embedding_column=E")
        }
        guard (parts.password ?? "").isEmpty else {
            throw PostgresError.invalidLocation(
                Self.redacted(text),
                reason: "holds a password; era takes it only from libpq's environment (PGPASSWORD) or ~/.pgpass, "
                    + "never from a URI that logs and reports would repeat")
        }
        var items = parts.queryItems ?? []
        if items.contains(where: { $0.name == "password" }) {
            throw PostgresError.invalidLocation(
                Self.redacted(text),
                reason: "holds password=; era takes the password only from PGPASSWORD or ~/.pgpass")
        }
        func take(_ name: String) throws -> String? {
            let found = items.filter { $0.name == name }
            guard found.count <= 1 else {
                throw PostgresError.invalidLocation(text, reason: "\(name) is given \(found.count) times")
            }
            items.removeAll { $0.name == name }
            guard let value = found.first?.value else { return nil }
            guard !value.isEmpty else { throw PostgresError.invalidLocation(text, reason: "\(name) is empty") }
            return value
        }
        guard let table = try take("table") else {
            throw PostgresError.invalidLocation(text, reason: "no table=: name the table that holds the embeddings")
        }
        let id = try take("id_column") ?? Self.defaultIdColumn
        let embedding = try take("embedding_column") ?? Self.defaultEmbeddingColumn
        parts.queryItems = items.isEmpty ? nil : items
        guard let rest = parts.string else {
            throw PostgresError.invalidLocation(text, reason: "cannot rebuild the connection URI")
        }
        self.init(connection: rest, table: table, idColumn: id, embeddingColumn: embedding)
    }

    /// The location as typed, era's parameters included (it never holds a password).
    public var description: String {
        guard var parts = URLComponents(string: connection) else { return connection }
        var items = parts.queryItems ?? []
        items.append(URLQueryItem(name: "table", value: table))
        if idColumn != Self.defaultIdColumn { items.append(URLQueryItem(name: "id_column", value: idColumn)) }
        if embeddingColumn != Self.defaultEmbeddingColumn {
            items.append(URLQueryItem(name: "embedding_column", value: embeddingColumn))
        }
        parts.queryItems = items
        return parts.string ?? connection
    }

    /// `text` with any password replaced, for an error message.
    static func redacted(_ text: String) -> String {
        guard var parts = URLComponents(string: text) else { return "postgresql://…" }
        if !(parts.password ?? "").isEmpty { parts.password = "***" }
        parts.queryItems = parts.queryItems?.map {
            $0.name == "password" ? URLQueryItem(name: "password", value: "***") : $0
        }
        return parts.string ?? "postgresql://…"
    }
}
