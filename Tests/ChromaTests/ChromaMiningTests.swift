import AdapterFormat
import Alignment
import Foundation
import LinearAlgebra
import Pipeline
import Retrieval
import Testing
import Workflows
import _TestSupport

@testable import Chroma

/// Stage two's hard negatives searched through the collection's query API: at fixture size (HNSW
/// exact) the pools, hence the adapter, are those of mining on the files.
@Suite(.enabled(if: ChromaTestServer.available, ChromaTestServer.skipReason), .serialized)
struct ChromaMiningTests {
    let server = ChromaTestServer.shared!

    /// A stage-one map of the fixture's queries into its index: the identity, disturbed.
    static func stageOne(dimension: Int) throws -> AffineMap<Float> {
        var generator = SeededGenerator(seed: 21)
        var weight = Matrix.randomNormal(rows: dimension, columns: dimension, using: &generator)
        for i in 0..<dimension {
            for j in 0..<dimension {
                weight[i, j] = (i == j ? 1 : 0) + 0.25 * weight[i, j] / Float(dimension).squareRoot()
            }
        }
        return try AffineMap(weight: weight, bias: [Float](repeating: 0, count: dimension))
    }

    static func settings() -> AdaptSettings {
        AdaptSettings(
            family: .linear, negatives: AdaptNegatives(random: 2, hard: 3, inBatch: true), hardPool: 50,
            learningRate: 1e-2, batchSize: 16, maxSteps: 40, evaluationInterval: 10, patience: 2, seed: 4)
    }

    @Test(arguments: [false, true])
    func miningThroughTheServerEqualsMiningOnTheFiles(hybrid: Bool) throws {
        let fixture = try ChromaFixture(server: server)
        let qrels = try Qrels.read(fixture.qrelsFile)
        var files = AdaptProblem(
            queries: fixture.queries, queryIds: fixture.queryIds, corpus: fixture.documents,
            corpusIds: fixture.documentIds, trainingQrels: qrels, stageOne: try Self.stageOne(dimension: 24),
            indexQueries: hybrid ? fixture.queries : nil)

        var collection = try ChromaCollection(
            try ChromaLocation(parsing: "chroma://\(server.hostPort)/\(fixture.collection)"))
        collection.queryBatch = 16
        let pulled = try collection.all(limit: 10_000)
        let server = ChromaNegativeSearch(collection: collection, corpusIds: pulled.ids)
        let found = server.search(corpus: pulled.matrix)
        #expect(found.reason == nil)
        var viaServer = files
        viaServer.corpus = pulled.matrix
        viaServer.corpusIds = pulled.ids
        viaServer.negativeSearch = try #require(found.search)
        // The pulled records come in the files' order here, so the two problems differ only in the search.
        #expect(pulled.ids == fixture.documentIds)
        #expect(pulled.matrix.storage == fixture.documents.storage)

        // The pools, directly: every query and positive, to depth 50 and to the whole collection.
        let mapped = try Self.stageOne(dimension: 24).applyNormalized(to: fixture.queries)
        let positives = fixture.queryIds.map { id in
            (qrels.judgments[id] ?? [:]).keys.compactMap { fixture.documentIds.firstIndex(of: $0) }.sorted()
        }
        for pool in [50, 300] {
            let before = collection.traffic.queryBatches
            let onServer = try AdaptNegativePools.mine(
                mappedQueries: mapped, corpus: pulled.matrix, positives: positives, pool: pool, keep: 6,
                margin: 0.95, search: viaServer.negativeSearch)
            let onFiles = try AdaptNegativePools.mine(
                mappedQueries: mapped, corpus: fixture.documents, positives: positives, pool: pool, keep: 6,
                margin: 0.95)
            #expect(onServer.pools == onFiles.pools)
            #expect(onServer.pools.flatMap { $0 }.contains { !$0.isEmpty })
            // 60 queries in batches of 16.
            #expect(collection.traffic.queryBatches - before == 4)
        }

        let before = collection.traffic.queryBatches
        let settings = Self.settings()
        let fromFiles = try AdaptTrainer.train(files, settings: settings)
        let fromServer = try AdaptTrainer.train(viaServer, settings: settings)
        #expect(collection.traffic.queryBatches > before)
        #expect(fromServer.labeledQueries == fromFiles.labeledQueries)
        #expect(fromServer.selectedSteps == fromFiles.selectedSteps)
        #expect(fromServer.map.weight == fromFiles.map.weight)
        #expect(fromServer.map.bias == fromFiles.map.bias)
        files.negativeSearch = .exact  // (the default: nothing changes for files)
        #expect(files.negativeSearch.isExact)
    }

    /// A cosine collection of documents that are not unit-norm does not rank like the inner
    /// product: mining says so and stays on the pulled records.
    @Test func aCollectionThatDoesNotRankByTheInnerProductIsNotSearched() throws {
        let fixture = try ChromaFixture(server: server, documents: 40, queries: 4, space: "cosine", scale: 2)
        let collection = try ChromaCollection(
            try ChromaLocation(parsing: "chroma://\(server.hostPort)/\(fixture.collection)"))
        let pulled = try collection.all(limit: 100)
        let found = ChromaNegativeSearch(collection: collection, corpusIds: pulled.ids).search(corpus: pulled.matrix)
        #expect(found.search == nil)
        #expect(found.reason?.contains("cosine") == true)
    }

    /// The pipeline's adapt stage with `data.index.chroma` logs the search through the server and
    /// writes the adapter of the same pipeline on the files.
    @Test func thePipelinesAdaptStageMinesThroughTheServer() throws {
        let fixture = try ChromaFixture(server: server)
        func yaml(_ index: String) -> String {
            """
            name: chroma-mining
            seed: 0
            data:
              queries:
                embeddings: \(fixture.queriesFile.path)
                ids: \(fixture.queryIdsFile.path)
              index:
            \(index)
              alignment:
                query_model: \(fixture.documentsFile.path)
                index_model: \(fixture.documentsFile.path)
                ids: \(fixture.documentIdsFile.path)
              qrels:
                labeled: \(fixture.qrelsFile.path)
            stages:
              - name: align
                kind: align
                options: {epochs: 1, samples: 200}
              - name: adapt
                kind: adapt
                options: {from: align, max_steps: 30, evaluation_interval: 10, hard_pool: 50}
            """
        }
        let chroma = try fixture.directory.write(
            "chroma.yaml", text: yaml("    chroma: {url: \"\(server.url)\", collection: \(fixture.collection)}"))
        let files = try fixture.directory.write(
            "files.yaml",
            text: yaml("    embeddings: \(fixture.documentsFile.path)\n    ids: \(fixture.documentIdsFile.path)"))
        let viaServer = try ChromaPipelineTests.runner(chroma, output: fixture.directory.file("chroma")).run()
        let onFiles = try ChromaPipelineTests.runner(files, output: fixture.directory.file("files")).run()
        #expect(viaServer.ran == ["align", "adapt"])
        #expect(viaServer.metrics.stages["adapt"]?.values == onFiles.metrics.stages["adapt"]?.values)
        let log = try String(
            contentsOf: try Self.file("log.txt", of: "adapt", in: fixture.directory.file("chroma")), encoding: .utf8)
        #expect(log.contains("hard negatives searched through") && log.contains("query API"), "\(log)")
        let a = try Adapter.load(
            try Self.file("adapter.safetensors", of: "adapt", in: fixture.directory.file("chroma")))
        let b = try Adapter.load(try Self.file("adapter.safetensors", of: "adapt", in: fixture.directory.file("files")))
        #expect(a.map.weight == b.map.weight)
        #expect(a.map.bias == b.map.bias)
    }

    /// The file `name` in the folder of stage `stage` of the run in `run`.
    static func file(_ name: String, of stage: String, in run: URL) throws -> URL {
        let files = FileManager.default.enumerator(at: run, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL }
        return try #require(
            files?.first { $0.lastPathComponent == name && $0.deletingLastPathComponent().lastPathComponent == stage },
            "no \(stage)/\(name) in \(run.path)")
    }
}
