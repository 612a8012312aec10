import Foundation
import LinearAlgebra

/// A Chroma collection as era uses it: its identity, size and distance, records fetched by id in
/// pages, and nearest-neighbour queries in batches, over Chroma's HTTP API v2.
///
/// Every request has a timeout and is retried with backoff on transient failures; every answer is
/// checked to hold exactly what was asked (a short page is retried, never taken as a whole).
public struct ChromaCollection: Sendable {
    /// The distance a collection's index ranks by.
    public enum Space: String, Sendable, Hashable {
        /// `1 - <q, d>`: era's score.
        case innerProduct = "ip"
        /// `1 - cos(q, d)`.
        case cosine
        /// Squared Euclidean distance.
        case l2
    }

    public let location: ChromaLocation
    /// The collection's UUID (changes when it is deleted and re-created).
    public let id: String
    /// The dimension of its embeddings (nil while it is empty).
    public let dimension: Int?
    public let space: Space
    /// Records when it was opened (see ``count()`` for a fresh figure).
    public let recordCount: Int
    /// Records per `get` page.
    public var pageSize = 256
    /// Queries per `query` request.
    public var queryBatch = 64
    let http: ChromaHTTP

    /// Looks the collection up by name and counts its records.
    /// - Throws: ``ChromaError`` (unreachable server, missing collection, credentials, bad answers).
    public init(_ location: ChromaLocation, policy: ChromaRetryPolicy = ChromaRetryPolicy()) throws {
        self.location = location
        http = ChromaHTTP(location: location, policy: policy)
        let base = "/api/v2/tenants/\(Self.escape(location.tenant))/databases/\(Self.escape(location.database))"
        let info = try http.send(
            "GET", "\(base)/collections/\(Self.escape(location.collection))", what: "look up the collection"
        ) { data in
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let id = object["id"] as? String
            else { throw ChromaHTTP.Transient(reason: "answer: the collection description has no id") }
            return (id: id, dimension: (object["dimension"] as? NSNumber)?.intValue, space: Self.space(of: object))
        }
        id = info.id
        dimension = info.dimension
        guard let space = Space(rawValue: info.space) else {
            throw ChromaError.incompatible(
                location: location.description,
                reason: "unknown distance space \"\(info.space)\" (known: ip, cosine, l2)")
        }
        self.space = space
        recordPath = "\(base)/collections/\(info.id)"
        recordCount = try Self.count(http, recordPath)
    }

    let recordPath: String

    /// What this collection's client has done so far.
    public var traffic: ChromaTraffic { http.counters.snapshot }

    /// The number of records now.
    public func count() throws -> Int { try Self.count(http, recordPath) }

    private static func count(_ http: ChromaHTTP, _ recordPath: String) throws -> Int {
        try http.send("GET", "\(recordPath)/count", what: "count the records") { data in
            guard let text = String(data: data, encoding: .utf8),
                let value = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), value >= 0
            else { throw ChromaHTTP.Transient(reason: "answer: the count is not a number") }
            return value
        }
    }

    /// The embeddings of `ids`, fetched by id in pages of ``pageSize``: row `i` is the record of
    /// `ids[i]`, or nil in `missing` when the collection has no such record.
    /// - Returns: a `ids.count x dimension` matrix (rows of missing ids are zero) and the missing ids.
    public func embeddings(of ids: [String]) throws -> (matrix: Matrix, missing: [String]) {
        let dimension = try requireDimension()
        var storage = [Float](repeating: 0, count: ids.count * dimension)
        var missing: [String] = []
        for start in stride(from: 0, to: ids.count, by: pageSize) {
            let page = Array(ids[start..<min(start + pageSize, ids.count)])
            let rows = try getPage(["ids": page, "include": ["embeddings"]], expected: nil, requested: Set(page))
            for (offset, id) in page.enumerated() {
                guard let vector = rows[id] else {
                    missing.append(id)
                    continue
                }
                storage.replaceSubrange(
                    ((start + offset) * dimension)..<((start + offset + 1) * dimension), with: vector)
            }
        }
        return (Matrix(rows: ids.count, columns: dimension, storage: storage), missing)
    }

    /// Which of `ids` the collection holds (ids only, no embeddings), asked in pages.
    public func existing(_ ids: [String]) throws -> Set<String> {
        var found = Set<String>()
        for start in stride(from: 0, to: ids.count, by: pageSize * 4) {
            let page = Array(ids[start..<min(start + pageSize * 4, ids.count)])
            let body = try JSONSerialization.data(withJSONObject: ["ids": page, "include": [String]()])
            let returned = try http.send("POST", "\(recordPath)/get", body: body, what: "look up \(page.count) ids") {
                data in
                guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                    let ids = object["ids"] as? [String]
                else { throw ChromaHTTP.Transient(reason: "answer: no id list") }
                return ids
            }
            let requested = Set(page)
            guard returned.allSatisfy(requested.contains) else {
                throw ChromaError.badResponse(
                    location: location.description, request: "look up ids",
                    reason: "returned ids that were not asked for")
            }
            found.formUnion(returned)
        }
        return found
    }

    /// Every record, in pages of ``pageSize`` by offset, refused when the collection holds more than `limit`.
    /// - Returns: the ids and their embeddings (rows in the collection's order).
    public func all(limit: Int) throws -> (ids: [String], matrix: Matrix) {
        let total = try count()
        guard total <= limit else {
            throw ChromaError.tooLarge(location: location.description, count: total, limit: limit)
        }
        let dimension = try requireDimension()
        var ids: [String] = []
        var storage: [Float] = []
        storage.reserveCapacity(total * dimension)
        for offset in stride(from: 0, to: total, by: pageSize) {
            let expected = min(pageSize, total - offset)
            let rows = try getPage(
                ["limit": pageSize, "offset": offset, "include": ["embeddings"]], expected: expected, requested: nil,
                ordered: { ids.append(contentsOf: $0) })
            for id in ids[offset...] { storage.append(contentsOf: rows[id]!) }
        }
        guard Set(ids).count == ids.count else {
            throw ChromaError.badResponse(
                location: location.description, request: "fetch every record",
                reason: "a record came back twice: the collection changed while it was read; run again")
        }
        return (ids, Matrix(rows: ids.count, columns: dimension, storage: storage))
    }

    /// About `n` records drawn without their ids being known: whole pages of ``pageSize`` consecutive
    /// records at seeded, distinct, page-aligned offsets, the last page cut to `n`; every record when
    /// `n` is at least the collection's count. Unpaired alignment reads the index's side this way.
    /// - Returns: the ids and embeddings, in the order of the offsets.
    public func sample(_ n: Int, seed: UInt64) throws -> (ids: [String], matrix: Matrix) {
        precondition(n > 0, "a sample of at least one record")
        let total = try count()
        if n >= total { return try all(limit: total) }
        let dimension = try requireDimension()
        let slots = (total + pageSize - 1) / pageSize
        var generator = SplitMix64(seed: seed ^ 0x5A4D_504C_4552_4543)  // not the stream of any other draw
        let chosen = generator.sample(min(slots, (n + pageSize - 1) / pageSize), from: slots)
        var ids: [String] = []
        var storage: [Float] = []
        for slot in chosen where ids.count < n {
            let offset = slot * pageSize
            var pageIds: [String] = []
            let rows = try getPage(
                ["limit": pageSize, "offset": offset, "include": ["embeddings"]],
                expected: min(pageSize, total - offset), requested: nil, ordered: { pageIds = $0 })
            for id in pageIds.prefix(n - ids.count) {
                ids.append(id)
                storage.append(contentsOf: rows[id]!)
            }
        }
        guard Set(ids).count == ids.count else {
            throw ChromaError.badResponse(
                location: location.description, request: "sample \(n) records",
                reason: "a record came back twice: the collection changed while it was read; run again")
        }
        return (ids, Matrix(rows: ids.count, columns: dimension, storage: storage))
    }

    /// The first `n` records (one page by offset): ids and embeddings.
    public func first(_ n: Int) throws -> (ids: [String], matrix: Matrix) {
        let dimension = try requireDimension()
        var ids: [String] = []
        let rows = try getPage(
            ["limit": n, "offset": 0, "include": ["embeddings"]], expected: min(n, try count()), requested: nil,
            ordered: { ids = $0 })
        return (ids, Matrix(rows: ids.count, columns: dimension, storage: ids.flatMap { rows[$0]! }))
    }

    /// The dimension of the collection's embeddings.
    /// - Throws: ``ChromaError/incompatible(location:reason:)`` while the collection is empty.
    public func requireDimension() throws -> Int {
        guard let dimension, dimension > 0 else {
            throw ChromaError.incompatible(
                location: location.description, reason: "the collection is empty (no dimension yet)")
        }
        return dimension
    }

    /// `space` of the collection's HNSW (or SPANN) configuration; Chroma's default is l2.
    static func space(of object: [String: Any]) -> String {
        let configuration = object["configuration_json"] as? [String: Any]
        for key in ["hnsw", "spann"] {
            if let index = configuration?[key] as? [String: Any], let space = index["space"] as? String { return space }
        }
        return "l2"
    }

    static func escape(_ component: String) -> String {
        component.addingPercentEncoding(
            withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/")))
            ?? component
    }
}
