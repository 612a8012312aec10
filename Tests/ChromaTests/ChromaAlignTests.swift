import Alignment
import Foundation
import LinearAlgebra
import Testing
import Workflows
import _TestSupport

@testable import Chroma

@Suite(.enabled(if: ChromaTestServer.available, ChromaTestServer.skipReason))
struct ChromaAlignTests {
    let server = ChromaTestServer.shared!

    /// Stage one on the sampled records fetched by id trains the map the files train, bit for bit,
    /// and fetches only the sample.
    @Test func alignmentPulledByIdEqualsAlignmentFromFiles() throws {
        let fixture = try ChromaFixture(server: server, documents: 400, queries: 1)
        var generator = SeededGenerator(seed: 3)
        let mixing = Matrix.randomNormal(rows: 24, columns: 16, using: &generator)
        // The query model's view of the texts: a linear image of the index vectors, plus noise, in
        // another order and with ids the collection does not hold.
        let sourceIds = fixture.documentIds.reversed() + ["extra-1", "extra-2"]
        var rows: [Float] = []
        for id in sourceIds {
            let row = fixture.documentIds.firstIndex(of: id)
            for c in 0..<16 {
                var value = Float(generator.normal()) * 0.05
                if let row { for k in 0..<24 { value += fixture.documents[row, k] * mixing[k, c] } }
                rows.append(value)
            }
        }
        let sources = Matrix(rows: sourceIds.count, columns: 16, storage: rows)
        var configuration = AlignmentConfiguration()
        configuration.epochs = 2
        configuration.seed = 11

        let fromFiles = try AlignWorkflow.run(
            AlignWorkflow.Request(
                sources: sources, sourceIds: sourceIds, targets: fixture.documents, targetIds: fixture.documentIds,
                configuration: configuration, sample: 150, sourceModel: "q", targetModel: "d"))

        let location = try ChromaLocation(parsing: "chroma://\(server.hostPort)/\(fixture.collection)")
        var collection = try ChromaCollection(location)
        collection.pageSize = 64
        let pairs = try StoreAlignInput.pairs(
            sources: sources, sourceIds: sourceIds, sample: 150, seed: configuration.seed, collection: collection)
        #expect(pairs.missing == 2)
        #expect(pairs.ids.count == 150)
        // 150 records in pages of 64: three pages of embeddings, never the whole collection.
        #expect(collection.traffic.pagesFetched == 3)
        let fromChroma = try AlignWorkflow.run(
            AlignWorkflow.Request(
                sources: pairs.sources, sourceIds: pairs.ids, targets: pairs.targets, targetIds: pairs.ids,
                configuration: configuration, sample: nil, sourceModel: "q", targetModel: "d"))
        #expect(fromChroma.pairs == fromFiles.pairs)
        #expect(fromChroma.adapter.map.weight == fromFiles.adapter.map.weight)
        #expect(fromChroma.adapter.map.bias == fromFiles.adapter.map.bias)
    }

    /// Unpaired alignment's index side: a sample of the records in whole pages at seeded offsets,
    /// each record's vector as stored, the same for the same seed, everything when the sample is larger.
    @Test func aSampleOfTheRecordsComesInPagesAtSeededOffsets() throws {
        let fixture = try ChromaFixture(server: server, documents: 300, queries: 1)
        let location = try ChromaLocation(parsing: "chroma://\(server.hostPort)/\(fixture.collection)")
        var collection = try ChromaCollection(location)
        collection.pageSize = 64
        let sample = try collection.sample(100, seed: 5)
        #expect(sample.ids.count == 100 && Set(sample.ids).count == 100)
        #expect(collection.traffic.pagesFetched == 2)
        for (row, id) in sample.ids.enumerated() {
            let stored = try #require(fixture.documentIds.firstIndex(of: id))
            #expect((0..<24).allSatisfy { sample.matrix[row, $0] == fixture.documents[stored, $0] })
        }
        #expect(try collection.sample(100, seed: 5).ids == sample.ids)
        #expect(try collection.sample(100, seed: 6).ids != sample.ids)
        #expect(try Set(collection.sample(1000, seed: 5).ids) == Set(fixture.documentIds))
    }
}
