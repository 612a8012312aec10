import EmbeddingIO
import Foundation
import LinearAlgebra

extension PostgresTable {
    /// One nearest-neighbour list: row ids best first and their inner products with the query.
    public struct Neighbours: Sendable, Hashable {
        public var ids: [String]
        public var scores: [Double]
    }

    /// The `k` rows of largest inner product with each query row (`ORDER BY e <#> q LIMIT k`, which
    /// an HNSW or IVFFlat index on `vector_ip_ops` serves; without one, an exact scan), asked in
    /// batches of ``queryBatch`` queries per statement (`unnest` of the batch, `LATERAL` search).
    ///
    /// Each answer must hold `min(k, rows)` ids per query, none twice, in non-increasing score; an
    /// approximate index may return fewer (HNSW with a small `ef_search`), which is accepted as its
    /// answer when it returns at least one.
    /// - Parameters:
    ///   - queries: one query vector a row, of the table's dimension, finite.
    ///   - k: rows asked for per query.
    ///   - progress: (queries done, queries in all) after each batch.
    public func nearest(_ queries: Matrix, k: Int, progress: (Int, Int) -> Void = { _, _ in }) throws -> [Neighbours] {
        guard queries.columns == dimension else {
            throw PostgresError.incompatible(
                table: location.table,
                reason: "holds \(dimension)-d embeddings but the queries are \(queries.columns)-d: "
                    + "queries from another model need a map (era align / era adapt) into the table's space")
        }
        guard queries.isFinite else {
            throw PostgresError.incompatible(table: location.table, reason: "a query vector has NaN or infinity")
        }
        precondition(k > 0, "k must be positive")
        let statement = """
            SELECT q.n, r.id, r.score FROM unnest($1::vector[]) WITH ORDINALITY AS q(v, n)
            CROSS JOIN LATERAL (
                SELECT t.\(quotedId)::text AS id, -(t.\(quotedEmbedding) <#> q.v) AS score
                FROM \(quotedTable) t ORDER BY t.\(quotedEmbedding) <#> q.v LIMIT \(k)
            ) r ORDER BY q.n, r.score DESC, r.id
            """
        let expected = min(k, rowCount)
        var out: [Neighbours] = []
        out.reserveCapacity(queries.rows)
        for start in stride(from: 0, to: queries.rows, by: queryBatch) {
            let end = min(start + queryBatch, queries.rows)
            let vectors = (start..<end).map { "\"" + Self.vectorText(queries.row($0)) + "\"" }
            let rows = try connection.query(
                statement, parameters: ["{" + vectors.joined(separator: ",") + "}"],
                what: "the search of \(end - start) queries in table \(location.table)")
            var batch = [Neighbours](repeating: Neighbours(ids: [], scores: []), count: end - start)
            for r in 0..<rows.count {
                guard let n = Int(rows.string(r, 0)), (1...(end - start)).contains(n),
                    let score = Double(rows.string(r, 2))
                else {
                    throw PostgresError.badResponse(
                        table: location.table, statement: "the search", reason: "an unreadable row \(r)")
                }
                batch[n - 1].ids.append(rows.string(r, 1))
                batch[n - 1].scores.append(score)
            }
            for (i, list) in batch.enumerated() {
                guard !list.ids.isEmpty, list.ids.count <= expected, Set(list.ids).count == list.ids.count else {
                    throw PostgresError.badResponse(
                        table: location.table, statement: "the search",
                        reason: "query \(start + i + 1) got \(list.ids.count) rows (\(expected) due, none twice)")
                }
            }
            out.append(contentsOf: batch)
            progress(end, queries.rows)
        }
        return out
    }

    /// What identifies the table's content for a pipeline manifest: its name, row count and a
    /// SHA-256 over the first `sample` rows by id (ids and vectors), so a changed table re-runs the
    /// stages that read it.
    public func identity(sample: Int = 256) throws -> String {
        let head = try first(sample)
        var hasher = SHA256()
        for (i, id) in head.ids.enumerated() {
            hasher.update(id + "\u{0}")
            for value in head.matrix.row(i) {
                withUnsafeBytes(of: value.bitPattern.bigEndian) { hasher.update($0) }
            }
        }
        return "postgres \(location.description) rows \(rowCount) dim \(dimension) head-sha256 \(hasher.hexDigest())"
    }
}
