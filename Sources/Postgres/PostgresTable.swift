import Foundation
import LinearAlgebra

/// A pgvector table as era reads it: opened and checked once (extension, table, columns,
/// dimension), then pulled in binary COPY pages, looked up by id, or searched by inner product.
///
/// Ids are read as text (`id::text`), whatever the column's type, so they compare with the ids of
/// qrels and id files. Every answer is checked for its due length and ids.
public struct PostgresTable: Sendable {
    public let location: PostgresLocation
    /// The vectors' dimension (the column's `vector(n)`).
    public let dimension: Int
    /// Rows when the table was opened.
    public let rowCount: Int
    /// The id column's SQL type (`integer`, `text`, ...): lookups by id cast to it, so its index serves.
    public let idType: String
    /// Queries per search statement.
    public var queryBatch = 64
    let connection: PostgresConnection

    /// Connects and checks the table.
    /// - Throws: ``PostgresError``: unreachable server, no `vector` extension, no table, a missing or
    ///   non-`vector(n)` column.
    public init(_ location: PostgresLocation, policy: PostgresRetryPolicy = PostgresRetryPolicy()) throws {
        self.location = location
        let connection = try PostgresConnection(uri: location.connection, policy: policy)
        self.connection = connection
        let table = location.table
        let installed = try connection.query(
            "SELECT extversion FROM pg_extension WHERE extname = 'vector'", what: "the pgvector check")
        guard installed.count == 1 else { throw PostgresError.extensionMissing(server: connection.server) }
        let exists = try connection.query(
            "SELECT to_regclass($1) IS NOT NULL", parameters: [connection.identifier(table)], what: "the table check")
        guard exists.count == 1, exists.string(0, 0) == "t" else { throw PostgresError.tableMissing(table: table) }
        let columns = try connection.query(
            """
            SELECT attname, format_type(atttypid, atttypmod), atttypmod FROM pg_attribute
            WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped
            """, parameters: [connection.identifier(table)], what: "the column check")
        var types: [String: (type: String, modifier: Int)] = [:]
        for row in 0..<columns.count {
            types[columns.string(row, 0)] = (columns.string(row, 1), Int(columns.string(row, 2)) ?? -1)
        }
        let known = types.keys.sorted().joined(separator: ", ")
        guard let id = types[location.idColumn] else {
            throw PostgresError.column(
                table: table, column: location.idColumn,
                reason: "no such column (the table has \(known)); name it with id_column=")
        }
        guard let embedding = types[location.embeddingColumn] else {
            throw PostgresError.column(
                table: table, column: location.embeddingColumn,
                reason: "no such column (the table has \(known)); name it with embedding_column=")
        }
        guard embedding.type.hasPrefix("vector") else {
            throw PostgresError.column(
                table: table, column: location.embeddingColumn,
                reason: "has type \(embedding.type), not pgvector's vector(n)")
        }
        guard embedding.modifier > 0 else {
            throw PostgresError.column(
                table: table, column: location.embeddingColumn,
                reason: "is a vector without a dimension; declare it vector(n) (ALTER TABLE ... TYPE vector(n))")
        }
        dimension = embedding.modifier
        idType = id.type
        let counted = try connection.query("SELECT count(*) FROM \(connection.identifier(table))", what: "count(*)")
        rowCount = Int(counted.string(0, 0)) ?? 0
    }

    /// The server, for messages (no password: the location never holds one).
    public var server: String { connection.server }

    /// Sets a search parameter for this session (`hnsw.ef_search`, `ivfflat.probes`), kept across reconnections.
    public func setSearchParameter(_ name: String, _ value: Int) throws {
        guard ["hnsw.ef_search", "ivfflat.probes"].contains(name), value > 0 else {
            throw PostgresError.invalidLocation(name, reason: "not a search setting era sets (or not positive)")
        }
        try connection.set(name, String(value))
    }

    var quotedTable: String { connection.identifier(location.table) }
    var quotedId: String { connection.identifier(location.idColumn) }
    var quotedEmbedding: String { connection.identifier(location.embeddingColumn) }

    /// Decodes pgvector's binary form: a 16-bit dimension, 16 unused bits, then big-endian float4s.
    static func decodeVector(_ bytes: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<Float>, dimension: Int)
        -> Bool
    {
        guard bytes.count == 4 + 4 * dimension else { return false }
        let declared = Int(UInt16(bytes[0]) << 8 | UInt16(bytes[1]))
        guard declared == dimension else { return false }
        for j in 0..<dimension {
            let o = 4 + 4 * j
            let bits =
                UInt32(bytes[o]) << 24 | UInt32(bytes[o + 1]) << 16 | UInt32(bytes[o + 2]) << 8 | UInt32(bytes[o + 3])
            out[j] = Float(bitPattern: bits)
        }
        return true
    }

    /// pgvector's text form of a row: `[v1,v2,...]` (shortest round-trip decimals).
    static func vectorText(_ values: some Collection<Float>) -> String {
        "[" + values.map { "\($0)" }.joined(separator: ",") + "]"
    }
}
