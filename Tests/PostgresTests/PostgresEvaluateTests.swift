import EmbeddingIO
import Foundation
import LinearAlgebra
import Retrieval
import Testing
import Workflows

@testable import Postgres

/// The bundled example's minilm index in a pgvector table, searched exactly (no ANN index): the
/// same figures as exact search of the files.
@Suite(.serialized) struct PostgresEvaluateTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Pipelines/quickstart").standardizedFileURL

    func request(_ files: InputFiles) throws -> EvaluateWorkflow.AdapterRequest {
        let path = { (name: String) in Self.example.appendingPathComponent(name).path }
        return EvaluateWorkflow.AdapterRequest(
            queries: try files.embeddings(path("queries.minilm.npy")), queryIds: try files.ids(path("query_ids.txt")),
            corpus: try files.embeddings(path("index.minilm.npy")), corpusIds: try files.ids(path("corpus_ids.txt")),
            qrels: try files.qrels(path("qrels.test.tsv")), labeled: nil, adapter: nil, compare: nil,
            indexQueries: nil, settings: EvaluateWorkflow.Settings(metrics: IRMetrics.metricNames(cutoffs: [10, 100])))
    }

    @Test(.enabled(if: TestServer.available)) func evaluatingThroughATableEqualsExactSearchOfTheFiles() throws {
        let files = InputFiles()
        let request = try request(files)
        let corpus = request.corpus.gatherRows(Array(0..<request.corpus.rows))
        try TestServer.withLoadedTable(ids: request.corpusIds, vectors: corpus) { location in
            let exact = try EvaluateWorkflow.run(request)
            let index = try PostgresIndex.open(location, dimension: corpus.columns, qrels: [request.qrels])
            #expect(index.judgedMissing == 0)
            let outcome = try StoreEvaluation.run(request, index: index, compareExact: true)
            let served = outcome.server.run.report
            #expect(served.queries == exact.run.report.queries)
            for (metric, value) in exact.run.report.mean {
                #expect(abs((served.mean[metric] ?? .nan) - value) <= 1e-6, "\(metric)")
            }
            #expect(outcome.comparisons.first?.recall[10] == 1)
        }
    }

    @Test(.enabled(if: TestServer.available)) func aTableOfVectorsThatAreNotUnitNormIsRefused() throws {
        var scaled = Matrix(rows: 20, columns: 4, repeating: 0.5)
        scaled[3, 0] = 3
        try TestServer.withLoadedTable(ids: (0..<20).map { "d\($0)" }, vectors: scaled) { location in
            #expect {
                _ = try PostgresIndex.open(location, dimension: 4, qrels: [])
            } throws: { "\($0)".contains("has norm") && "\($0)".contains("unit-norm") }
        }
    }
}
