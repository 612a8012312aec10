import Foundation

/// A Postgres failure a person can act on: each message names the server or table and says what to do.
public enum PostgresError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The location text could not be parsed.
    case invalidLocation(String, reason: String)
    /// No connection after every retry (server down, wrong socket directory or port, refused login).
    case unreachable(server: String, reason: String, attempts: Int)
    /// The connection broke during a statement and every retry failed (the server stopped,
    /// restarted too slowly, or kept dropping era's session).
    case connectionLost(server: String, during: String, reason: String, attempts: Int)
    /// The `vector` extension is not installed in the database.
    case extensionMissing(server: String)
    /// The table does not exist.
    case tableMissing(table: String)
    /// A column does not exist, or has the wrong type.
    case column(table: String, column: String, reason: String)
    /// The table cannot serve these queries as era scores them (dimension, norms).
    case incompatible(table: String, reason: String)
    /// The server refused a statement (its SQLSTATE and message).
    case rejected(table: String, statement: String, state: String, message: String)
    /// An answer that does not hold what was asked (a short list, an unknown id, a malformed vector).
    case badResponse(table: String, statement: String, reason: String)

    public var description: String {
        switch self {
        case .invalidLocation(let text, let reason):
            return "\(text): not a Postgres table location: \(reason)"
        case .unreachable(let server, let reason, let attempts):
            return "cannot connect to PostgreSQL at \(server) (\(reason.oneLine); \(attempts) "
                + "attempt\(attempts == 1 ? "" : "s")): is the server running, are the host (or socket directory), "
                + "port, database and user right, and is the password in PGPASSWORD or ~/.pgpass?"
        case .connectionLost(let server, let statement, let reason, let attempts):
            return "lost the connection to PostgreSQL at \(server) during \(statement) and gave up after \(attempts) "
                + "attempt\(attempts == 1 ? "" : "s") (\(reason.oneLine)): is the server "
                + "running? Once it is back, run again (era only reads: nothing in the database needs repair)"
        case .extensionMissing(let server):
            return "\(server): the pgvector extension is not installed in this database: run "
                + "CREATE EXTENSION vector; (as a user allowed to) and load the table again"
        case .tableMissing(let table):
            return "\(table): no such table: check table= (schema.table for another schema) and the database "
                + "in the URI"
        case .column(let table, let column, let reason):
            return "\(table).\(column): \(reason)"
        case .incompatible(let table, let reason):
            return "\(table): \(reason)"
        case .rejected(let table, let statement, let state, let message):
            return "\(table): the server refused \(statement) (SQLSTATE \(state)): \(message.trimmingTrailingNewlines)"
        case .badResponse(let table, let statement, let reason):
            return "\(table): \(statement): unusable answer: \(reason)"
        }
    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var text = self
        while text.last == "\n" { text.removeLast() }
        return text
    }

    /// libpq's message on one line (it breaks a connection failure's hint onto a tabbed second line).
    var oneLine: String {
        trimmingTrailingNewlines.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: " ")
    }
}
