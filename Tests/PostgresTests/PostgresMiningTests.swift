import Alignment
import Foundation
import LinearAlgebra
import Retrieval
import Testing
import Workflows
import _TestSupport

@testable import Postgres

/// Stage two's hard negatives searched through a pgvector table with no ANN index (an exact
/// scan): the pools, hence the adapter, are those of mining on the files.
@Suite(.serialized) struct PostgresMiningTests {
    /// 300 documents, 60 queries each near one document (its relevant one), 24-d.
    struct Fixture {
        var documents: Matrix, documentIds: [String], queries: Matrix, queryIds: [String], qrels: Qrels
        init() {
            var generator = SeededGenerator(seed: 31)
            documents = Matrix.randomNormal(rows: 300, columns: 24, using: &generator).normalizedRows()
            let ids = (0..<300).map { String(format: "d%03d", $0) }  // text order = row order
            documentIds = ids
            var noisy = Matrix.randomNormal(rows: 60, columns: 24, using: &generator)
            for i in 0..<60 { for j in 0..<24 { noisy[i, j] = documents[i * 5, j] + 0.3 * noisy[i, j] } }
            queries = noisy.normalizedRows()
            queryIds = (0..<60).map { "q\($0)" }
            qrels = Qrels(judgments: Dictionary(uniqueKeysWithValues: (0..<60).map { ("q\($0)", [ids[$0 * 5]: 1]) }))
        }
    }

    @Test(.enabled(if: TestServer.available)) func miningThroughTheTableEqualsMiningOnTheFiles() throws {
        let fixture = Fixture()
        try TestServer.withLoadedTable(ids: fixture.documentIds, vectors: fixture.documents) { location in
            let index = try PostgresIndex.open(location, dimension: 24, qrels: [])
            var table = index.table
            table.queryBatch = 16
            let pulled = try table.all(limit: 10_000)
            #expect(pulled.ids == fixture.documentIds && pulled.matrix.storage == fixture.documents.storage)
            var weight = Matrix(rows: 24, columns: 24)
            var generator = SeededGenerator(seed: 21)
            let noise = Matrix.randomNormal(rows: 24, columns: 24, using: &generator)
            for i in 0..<24 { for j in 0..<24 { weight[i, j] = (i == j ? 1 : 0) + 0.05 * noise[i, j] } }
            let stageOne = try AffineMap(weight: weight, bias: [Float](repeating: 0, count: 24))
            let files = AdaptProblem(
                queries: fixture.queries, queryIds: fixture.queryIds, corpus: fixture.documents,
                corpusIds: fixture.documentIds, trainingQrels: fixture.qrels, stageOne: stageOne, indexQueries: nil)
            var viaTable = files
            viaTable.corpus = pulled.matrix
            viaTable.negativeSearch = PostgresNegativeSearch(table: table, corpusIds: pulled.ids).search
            let settings = AdaptSettings(
                family: .linear, negatives: AdaptNegatives(random: 2, hard: 3, inBatch: true), hardPool: 50,
                learningRate: 1e-2, batchSize: 16, maxSteps: 40, evaluationInterval: 10, patience: 2, seed: 4)
            let fromFiles = try AdaptTrainer.train(files, settings: settings)
            let fromTable = try AdaptTrainer.train(viaTable, settings: settings)
            #expect(!viaTable.negativeSearch.isExact)
            #expect(fromTable.selectedSteps == fromFiles.selectedSteps)
            #expect(fromTable.map.weight == fromFiles.map.weight)
            #expect(fromTable.map.bias == fromFiles.map.bias)
        }
    }

    /// Stage one's sample fetched by id from the table: the rows the files give, in the same order.
    @Test(.enabled(if: TestServer.available)) func alignmentPairsFetchedByIdAreTheFilesRows() throws {
        let fixture = Fixture()
        var generator = SeededGenerator(seed: 8)
        try TestServer.withLoadedTable(ids: fixture.documentIds, vectors: fixture.documents) { location in
            let table = try PostgresTable(location)
            let sourceIds = ["nope"] + fixture.documentIds.reversed()
            let sources = Matrix.randomNormal(rows: sourceIds.count, columns: 8, using: &generator)
            let pairs = try StoreAlignInput.pairs(
                sources: sources, sourceIds: sourceIds, sample: 50, seed: 3, store: table)
            #expect(pairs.ids.count == 50 && pairs.missing == 1)
            let rows = pairs.ids.map { fixture.documentIds.firstIndex(of: $0)! }
            #expect(pairs.targets.storage == fixture.documents.gatherRows(rows).storage)
            #expect(
                pairs.sources.storage == sources.gatherRows(pairs.ids.map { sourceIds.firstIndex(of: $0)! }).storage)
        }
    }
}
