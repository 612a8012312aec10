import Foundation
import LinearAlgebra

extension ChromaCollection {
    /// One nearest-neighbour list: record ids best first and Chroma's distances.
    public struct Neighbours: Sendable, Hashable {
        public var ids: [String]
        public var distances: [Float]
    }

    /// The `k` nearest records of every query row, asked in batches of ``queryBatch``.
    ///
    /// Each answer must hold one list per query of `min(k, records)` ids with as many distances;
    /// a shorter list is a partial answer and is retried.
    /// - Parameters:
    ///   - queries: one query vector a row, of the collection's dimension, finite.
    ///   - k: neighbours asked for per query.
    ///   - progress: (queries done, queries in all) after each batch.
    /// - Returns: one neighbour list per query row, best first.
    public func nearest(
        _ queries: Matrix, k: Int, progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> [Neighbours] {
        let dimension = try requireDimension()
        guard queries.columns == dimension else {
            throw ChromaError.incompatible(
                location: location.description,
                reason: "holds \(dimension)-d embeddings but the queries are \(queries.columns)-d: "
                    + "queries from another model need a map (era align / era adapt) into the collection's space")
        }
        guard queries.isFinite else {
            throw ChromaError.incompatible(location: location.description, reason: "a query vector has NaN or infinity")
        }
        let expected = min(k, recordCount)
        var out: [Neighbours] = []
        out.reserveCapacity(queries.rows)
        for start in stride(from: 0, to: queries.rows, by: queryBatch) {
            let end = min(start + queryBatch, queries.rows)
            var body = "{\"n_results\":\(k),\"include\":[\"distances\"],\"query_embeddings\":["
            for row in start..<end {
                if row > start { body += "," }
                body += "[" + queries.row(row).map { "\($0)" }.joined(separator: ",") + "]"
            }
            body += "]}"
            let batch = try http.send(
                "POST", "\(recordPath)/query", body: Data(body.utf8), what: "query \(end - start) vectors"
            ) { data in
                try Self.neighbours(data, queries: end - start, expected: expected)
            }
            http.counters.update { $0.queryBatches += 1 }
            out.append(contentsOf: batch)
            progress(end, queries.rows)
        }
        return out
    }

    /// One page of `get` with embeddings, keyed by id. With `expected`, the page must hold exactly
    /// that many records; with `requested`, only ids that were asked for.
    /// - Parameter ordered: receives the page's ids in the server's order.
    func getPage(
        _ request: [String: Any], expected: Int?, requested: Set<String>?, ordered: ([String]) -> Void = { _ in }
    ) throws -> [String: [Float]] {
        let dimension = try requireDimension()
        let body = try JSONSerialization.data(withJSONObject: request)
        let what = expected.map { "fetch a page of \($0) records" } ?? "fetch \(requested?.count ?? 0) records by id"
        let page = try http.send("POST", "\(recordPath)/get", body: body, what: what) { data in
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let ids = object["ids"] as? [String], let embeddings = object["embeddings"] as? [Any],
                ids.count == embeddings.count
            else {
                throw ChromaHTTP.Transient(reason: "answer: the page has no ids or embeddings, or not as many of each")
            }
            if let expected, ids.count != expected {
                throw ChromaHTTP.Transient(reason: "answer: a page of \(ids.count) records where \(expected) were due")
            }
            var rows: [String: [Float]] = [:]
            for (id, embedding) in zip(ids, embeddings) {
                guard let vector = Self.floats(embedding), vector.count == dimension else {
                    throw ChromaHTTP.Transient(reason: "answer: the embedding of \(id) is not \(dimension) numbers")
                }
                if let requested, !requested.contains(id) {
                    throw ChromaHTTP.Transient(reason: "answer: record \(id) was not asked for")
                }
                rows[id] = vector
            }
            return (ids, rows)
        }
        http.counters.update { $0.pagesFetched += 1 }
        ordered(page.0)
        return page.1
    }

    static func neighbours(_ data: Data, queries: Int, expected: Int) throws -> [Neighbours] {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let ids = object["ids"] as? [[String]], let distances = object["distances"] as? [Any],
            ids.count == queries, distances.count == queries
        else { throw ChromaHTTP.Transient(reason: "answer: not one id list and one distance list per query") }
        var out: [Neighbours] = []
        for (list, values) in zip(ids, distances) {
            guard let values = floats(values), values.count == list.count, list.count == expected else {
                throw ChromaHTTP.Transient(
                    reason: "answer: a partial result (\(list.count) neighbours where \(expected) were due)")
            }
            out.append(Neighbours(ids: list, distances: values))
        }
        return out
    }

    /// A JSON array of numbers as floats (nil for anything else).
    static func floats(_ value: Any) -> [Float]? {
        guard let array = value as? [Any] else { return nil }
        var out = [Float]()
        out.reserveCapacity(array.count)
        for element in array {
            if let number = element as? NSNumber {
                out.append(number.floatValue)
            } else if let number = element as? Double {
                out.append(Float(number))
            } else {
                return nil
            }
        }
        return out
    }
}
