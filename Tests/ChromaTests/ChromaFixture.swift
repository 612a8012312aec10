import EmbeddingIO
import Foundation
import LinearAlgebra
import Testing
import _TestSupport

/// A synthetic retrieval problem written both as files and as a Chroma collection: unit documents,
/// queries that are noisy copies of one to three documents each, and the qrels naming them.
struct ChromaFixture {
    let directory: TemporaryDirectory
    let documents: Matrix
    let documentIds: [String]
    let queries: Matrix
    let queryIds: [String]
    let collection: String

    var documentsFile: URL { directory.file("documents.npy") }
    var documentIdsFile: URL { directory.file("documents.txt") }
    var queriesFile: URL { directory.file("queries.npy") }
    var queryIdsFile: URL { directory.file("queries.txt") }
    var qrelsFile: URL { directory.file("qrels.tsv") }

    /// Writes the files and creates the collection `name` (a fresh unique name by default) with `space`.
    init(
        server: ChromaTestServer, documents count: Int = 300, queries queryCount: Int = 60, dimension: Int = 24,
        space: String = "ip", seed: UInt64 = 7, scale: Float = 1
    ) throws {
        directory = try TemporaryDirectory()
        var generator = SeededGenerator(seed: seed)
        documents = Self.unitRows(Matrix.randomNormal(rows: count, columns: dimension, using: &generator), scale: scale)
        documentIds = (0..<count).map { "doc\($0)" }
        var queryRows: [Float] = []
        var qrels = "query-id\tcorpus-id\tscore\n"
        for q in 0..<queryCount {
            let relevant = (0..<(1 + q % 3)).map { _ in Int.random(in: 0..<count, using: &generator) }
            var vector = [Float](repeating: 0, count: dimension)
            for r in relevant {
                for c in 0..<dimension { vector[c] += documents[r, c] + Float(generator.normal()) * 0.15 }
                qrels += "q\(q)\tdoc\(r)\t1\n"
            }
            queryRows += vector
        }
        queries = Self.unitRows(Matrix(rows: queryCount, columns: dimension, storage: queryRows))
        queryIds = (0..<queryCount).map { "q\($0)" }
        collection = "era-test-\(UUID().uuidString.prefix(8).lowercased())"
        try Npy.write(documents, to: documentsFile)
        try Npy.write(queries, to: queriesFile)
        _ = try directory.write("documents.txt", text: documentIds.joined(separator: "\n") + "\n")
        _ = try directory.write("queries.txt", text: queryIds.joined(separator: "\n") + "\n")
        _ = try directory.write("qrels.tsv", text: qrels)
        try Self.load(server: server, name: collection, ids: documentIds, vectors: documents, space: space)
    }

    /// Creates `name` with `space` (ef_search above the fixture's size, so HNSW is exact) and adds the records.
    static func load(server: ChromaTestServer, name: String, ids: [String], vectors: Matrix, space: String) throws {
        let base = server.url + "/api/v2/tenants/default_tenant/databases/default_database/collections"
        let created = try TestHTTP.send(
            "POST", base,
            json: [
                "name": name,
                "configuration": ["hnsw": ["space": space, "ef_search": 1000, "ef_construction": 400]],
            ])
        guard created.status == 200,
            let object = try JSONSerialization.jsonObject(with: created.data) as? [String: Any],
            let id = object["id"] as? String
        else { throw TestHTTP.Failure(message: "create \(name): \(String(decoding: created.data, as: UTF8.self))") }
        try add(server: server, collectionId: id, ids: ids, vectors: vectors)
    }

    /// Adds (or replaces) records of the collection with UUID `collectionId`, 500 at a time.
    static func add(server: ChromaTestServer, collectionId: String, ids: [String], vectors: Matrix) throws {
        let base = server.url + "/api/v2/tenants/default_tenant/databases/default_database/collections"
        for start in stride(from: 0, to: ids.count, by: 500) {
            let end = min(start + 500, ids.count)
            let added = try TestHTTP.send(
                "POST", "\(base)/\(collectionId)/upsert",
                json: [
                    "ids": Array(ids[start..<end]),
                    "embeddings": (start..<end).map { vectors.row($0).map(Double.init) },
                ])
            guard added.status == 200 else {
                throw TestHTTP.Failure(message: "upsert: \(String(decoding: added.data, as: UTF8.self))")
            }
        }
    }

    static func unitRows(_ matrix: Matrix, scale: Float = 1) -> Matrix {
        var out = matrix
        for r in 0..<matrix.rows {
            let norm = matrix.row(r).reduce(0) { $0 + $1 * $1 }.squareRoot()
            for c in 0..<matrix.columns { out[r, c] = matrix[r, c] / norm * scale }
        }
        return out
    }
}
