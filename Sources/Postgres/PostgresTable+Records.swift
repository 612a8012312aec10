import Foundation
import LinearAlgebra

extension PostgresTable {
    /// Every row, in the id column's order, pulled by one binary `COPY` (streamed row by row).
    /// - Throws: ``PostgresError/incompatible(table:reason:)`` above `limit` rows or on a NULL or
    ///   malformed vector; ``PostgresError/badResponse(table:statement:reason:)`` when the rows
    ///   pulled are not the rows counted.
    /// - Complexity: O(rows x dimension), one pass over the table.
    public func all(limit: Int) throws -> (ids: [String], matrix: Matrix) {
        let expected = try connection.query("SELECT count(*) FROM \(quotedTable)", what: "count(*)").string(0, 0)
        guard let total = Int(expected), total <= limit else {
            throw PostgresError.incompatible(
                table: location.table, reason: "holds \(expected) rows, more than the \(limit) era pulls")
        }
        var ids: [String] = []
        var values: [Float] = []
        var reader = CopyReader()
        let statement =
            "COPY (SELECT t.\(quotedId)::text, t.\(quotedEmbedding) FROM \(quotedTable) t ORDER BY t.\(quotedId)) "
            + "TO STDOUT (FORMAT binary)"
        let d = dimension
        try connection.copyOut(
            statement, what: "COPY of the table",
            restart: {
                ids.removeAll(keepingCapacity: true)
                values.removeAll(keepingCapacity: true)
                reader = CopyReader()
            },
            row: { chunk in
                guard let fields = try reader.fields(chunk, table: location.table) else { return }
                guard fields.count == 2, let id = fields[0], let vector = fields[1] else {
                    throw PostgresError.incompatible(
                        table: location.table, reason: "a row has a NULL id or embedding (row \(ids.count + 1) by id)")
                }
                let start = values.count
                values.append(contentsOf: repeatElement(0, count: d))
                let ok = values.withUnsafeMutableBufferPointer { out in
                    Self.decodeVector(vector, into: out.baseAddress! + start, dimension: d)
                }
                guard ok else {
                    throw PostgresError.badResponse(
                        table: location.table, statement: "COPY", reason: "a vector that is not \(d)-d")
                }
                ids.append(String(decoding: id, as: UTF8.self))
            })
        guard ids.count == total else {
            throw PostgresError.badResponse(
                table: location.table, statement: "COPY", reason: "\(ids.count) rows pulled, \(total) counted")
        }
        return (ids, Matrix(rows: ids.count, columns: d, storage: values))
    }

    /// The embeddings of `ids` (in that order), and the ids the table lacks (their rows are zero).
    /// - Complexity: one statement per 1,000 ids, through the id column's index when it has one.
    public func embeddings(of ids: [String]) throws -> (matrix: Matrix, missing: [String]) {
        var matrix = Matrix(rows: ids.count, columns: dimension)
        var found = Set<String>()
        let position = Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        for start in stride(from: 0, to: ids.count, by: 1000) {
            let batch = Array(ids[start..<min(start + 1000, ids.count)])
            let rows = try connection.query(
                "SELECT \(quotedId)::text, \(quotedEmbedding) FROM \(quotedTable) WHERE \(quotedId) = ANY($1::\(idType)[])",
                parameters: [Self.arrayText(batch)], binary: true, what: "the embeddings of \(batch.count) ids")
            for r in 0..<rows.count {
                let id = rows.string(r, 0)
                guard let i = position[id], !rows.isNull(r, 1) else {
                    throw PostgresError.badResponse(
                        table: location.table, statement: "the embeddings by id", reason: "id \(id) was not asked for")
                }
                let ok = matrix.withUnsafeMutableBufferPointer { out in
                    Self.decodeVector(rows.bytes(r, 1), into: out.baseAddress! + i * dimension, dimension: dimension)
                }
                guard ok else {
                    throw PostgresError.badResponse(
                        table: location.table, statement: "the embeddings by id",
                        reason: "a vector that is not \(dimension)-d")
                }
                found.insert(id)
            }
        }
        return (matrix, ids.filter { !found.contains($0) })
    }

    /// Which of `ids` the table holds.
    public func existing(_ ids: [String]) throws -> Set<String> {
        var present = Set<String>()
        for start in stride(from: 0, to: ids.count, by: 1000) {
            let batch = Array(ids[start..<min(start + 1000, ids.count)])
            let rows = try connection.query(
                "SELECT \(quotedId)::text FROM \(quotedTable) WHERE \(quotedId) = ANY($1::\(idType)[])",
                parameters: [Self.arrayText(batch)], what: "the lookup of \(batch.count) ids")
            for r in 0..<rows.count { present.insert(rows.string(r, 0)) }
        }
        return present
    }

    /// The first `n` rows by id (for checks that need a few vectors: norms, the identity hash).
    public func first(_ n: Int) throws -> (ids: [String], matrix: Matrix) {
        let rows = try connection.query(
            "SELECT t.\(quotedId)::text, t.\(quotedEmbedding) FROM \(quotedTable) t ORDER BY t.\(quotedId) LIMIT \(max(0, n))",
            binary: true, what: "the first \(n) rows")
        var matrix = Matrix(rows: rows.count, columns: dimension)
        var ids: [String] = []
        for r in 0..<rows.count {
            guard !rows.isNull(r, 1),
                matrix.withUnsafeMutableBufferPointer({ out in
                    Self.decodeVector(rows.bytes(r, 1), into: out.baseAddress! + r * dimension, dimension: dimension)
                })
            else {
                throw PostgresError.incompatible(
                    table: location.table, reason: "row \(rows.string(r, 0)) has no \(dimension)-d embedding")
            }
            ids.append(rows.string(r, 0))
        }
        return (ids, matrix)
    }

    /// A text array literal of `values` for a parameter: `{"a","b"}`.
    static func arrayText(_ values: [String]) -> String {
        "{"
            + values.map {
                "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                    + "\""
            }
            .joined(separator: ",") + "}"
    }
}

/// Reads the rows of a binary `COPY` stream: a 19-byte header (plus extension) before the first
/// row, then per row a 16-bit field count and per field a 32-bit length (-1: NULL) and the bytes;
/// a field count of -1 ends the stream.
struct CopyReader {
    private var headerSeen = false
    static let signature: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00]

    /// The fields of the row in `chunk`, or nil for the trailer.
    mutating func fields(_ chunk: UnsafeRawBufferPointer, table: String) throws -> [UnsafeRawBufferPointer?]? {
        var offset = 0
        func bad(_ reason: String) -> PostgresError {
            .badResponse(table: table, statement: "COPY", reason: reason)
        }
        func int(_ width: Int) throws -> Int {
            guard offset + width <= chunk.count else { throw bad("a row cut short") }
            var value = 0
            for b in 0..<width { value = value << 8 | Int(chunk[offset + b]) }
            offset += width
            // Sign-extend.
            let bits = width * 8
            return value >= 1 << (bits - 1) ? value - (1 << bits) : value
        }
        if !headerSeen {
            guard chunk.count >= 19, Array(chunk[0..<11]) == Self.signature else { throw bad("no PGCOPY header") }
            offset = 15
            let extensionLength = try int(4)
            offset += extensionLength
            headerSeen = true
        }
        let count = try int(2)
        if count == -1 { return nil }
        var fields: [UnsafeRawBufferPointer?] = []
        for _ in 0..<count {
            let length = try int(4)
            if length < 0 { fields.append(nil); continue }
            guard offset + length <= chunk.count else { throw bad("a field cut short") }
            fields.append(UnsafeRawBufferPointer(rebasing: chunk[offset..<(offset + length)]))
            offset += length
        }
        return fields
    }
}
