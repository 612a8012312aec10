import Chroma
import Foundation
import LinearAlgebra
import Retrieval
import Testing
import Workflows
import _TestSupport

@Suite(.enabled(if: ChromaTestServer.available, ChromaTestServer.skipReason))
struct ChromaEvaluateTests {
    let server = ChromaTestServer.shared!

    func request(_ fixture: ChromaFixture, files: InputFiles) throws -> EvaluateWorkflow.AdapterRequest {
        EvaluateWorkflow.AdapterRequest(
            queries: try files.embeddings(fixture.queriesFile.path), queryIds: fixture.queryIds,
            corpus: try files.embeddings(fixture.documentsFile.path), corpusIds: fixture.documentIds,
            qrels: try files.qrels(fixture.qrelsFile.path), labeled: nil, adapter: nil, compare: nil,
            indexQueries: nil, settings: EvaluateWorkflow.Settings(metrics: IRMetrics.metricNames(cutoffs: [10, 100])))
    }

    @Test func evaluatingThroughChromaEqualsExactSearchOfTheFiles() throws {
        let fixture = try ChromaFixture(server: server)
        let files = InputFiles()
        let request = try request(fixture, files: files)
        let exact = try EvaluateWorkflow.run(request)
        let location = try ChromaLocation(parsing: "chroma://\(server.hostPort)/\(fixture.collection)")
        let index = try ChromaIndex.open(location, dimension: 24, qrels: [request.qrels])
        #expect(index.judgedMissing == 0)
        let outcome = try ChromaEvaluateWorkflow.run(request, index: index, compareExact: true)
        let server = outcome.server.run.report
        #expect(server.queries == exact.run.report.queries)
        for (metric, value) in exact.run.report.mean {
            #expect(abs((server.mean[metric] ?? .nan) - value) <= 1e-6, "\(metric)")
        }
        // Per query too, and the pulled collection's exact search is the files' exact search.
        #expect(server.columns.keys.sorted() == exact.run.report.columns.keys.sorted())
        for (metric, column) in exact.run.report.columns {
            #expect(zip(column, server.columns[metric] ?? []).allSatisfy { abs($0 - $1) <= 1e-6 }, "\(metric)")
        }
        let comparison = try #require(outcome.comparisons.first)
        #expect(comparison.recall[10] == 1 && comparison.recall[100] == 1)
        #expect(abs((comparison.exact.report.mean["ndcg@10"] ?? 0) - (exact.run.report.mean["ndcg@10"] ?? 1)) <= 1e-6)
        // 60 queries in batches of 64: one query request; 300 records in pages of 256: two pages.
        #expect(outcome.traffic.queryBatches == 1)
        #expect(outcome.traffic.pagesFetched == 2)  // the exact pull; an ip collection needs no norm check
    }
}
