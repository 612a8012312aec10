import Foundation
import LinearAlgebra
import Pipeline
import Retrieval
import Testing
import Workflows
import _TestSupport

@testable import Chroma

/// `data.index.chroma` in a pipeline: evaluation through the server, resume that notices a changed
/// collection, and a server stopped in the middle of an evaluation.
@Suite(.enabled(if: ChromaTestServer.available, ChromaTestServer.skipReason), .serialized)
struct ChromaPipelineTests {
    /// align (24-d to 24-d on the fixture's documents) then evaluate through the collection at `url`.
    /// - Parameter alignFromCollection: no `data.alignment.index_model`: stage one fetches the records by id.
    static func pipeline(_ fixture: ChromaFixture, url: String, alignFromCollection: Bool = false) throws -> URL {
        let yaml = """
            name: chroma-fixture
            seed: 0
            data:
              queries:
                embeddings: \(fixture.queriesFile.path)
                ids: \(fixture.queryIdsFile.path)
                index_model_embeddings: \(fixture.queriesFile.path)
              index:
                chroma: {url: "\(url)", collection: \(fixture.collection)}
              alignment:
                query_model: \(fixture.documentsFile.path)
                \(alignFromCollection ? "" : "index_model: \(fixture.documentsFile.path)")
                ids: \(fixture.documentIdsFile.path)
              qrels:
                evaluation: \(fixture.qrelsFile.path)
            stages:
              - name: align
                kind: align
                options: {epochs: 1, samples: 200}
              - kind: evaluate
                options: {baselines: [index-as-is, procrustes], unseen: false, significance: false}
            """
        return try fixture.directory.write(alignFromCollection ? "from-collection.yaml" : "pipeline.yaml", text: yaml)
    }

    static func runner(_ path: URL, output: URL, onEvent: @escaping @Sendable (RunEvent) -> Void = { _ in })
        throws -> PipelineRunner
    {
        let config = try PipelineConfig.load(path: path.path)
        return PipelineRunner(config: config, registry: .builtIn, runDirectory: output, onEvent: onEvent)
    }

    @Test func resumeNoticesAChangedCollection() throws {
        let server = ChromaTestServer.shared!
        let fixture = try ChromaFixture(server: server)
        let output = fixture.directory.file("run")
        let path = try Self.pipeline(fixture, url: server.url)
        let first = try Self.runner(path, output: output).run()
        #expect(first.ran == ["align", "evaluate"])
        // The index-as-is row through Chroma is exact search of the same vectors.
        let exact = try Evaluator.evaluate(
            queries: fixture.queries, queryIds: fixture.queryIds, corpus: fixture.documents,
            corpusIds: fixture.documentIds, qrels: try Qrels.read(fixture.qrelsFile), cutoffs: [10, 100])
        let row = try #require(first.metrics.stages["evaluate"]?.evaluation?.rows.first { $0.name == "index-as-is" })
        #expect(abs((row.values["all"]?["ndcg@10"] ?? 0) - exact.report.mean["ndcg@10"]!) <= 1e-6)
        let manifest = try String(contentsOf: output.appendingPathComponent("manifest.json"), encoding: .utf8)
        #expect(manifest.contains("\"records\" : 300") || manifest.contains("\"records\":300"), "\(manifest)")
        #expect(!manifest.lowercased().contains("token"))

        #expect(try Self.runner(path, output: output).run().ran.isEmpty)

        // One record more: the evaluation, which reads the index, runs again; align does not.
        let collection = try ChromaCollection(try ChromaLocation(server: server.url, collection: fixture.collection))
        try ChromaFixture.add(
            server: server, collectionId: collection.id, ids: ["late-doc"], vectors: fixture.documents.gatherRows([0]))
        let third = try Self.runner(path, output: output).run()
        #expect(third.ran == ["evaluate"])
        #expect(third.skipped == ["align"])
    }

    /// Stage one (and the Procrustes baseline) on the collection's records of the sampled ids gives
    /// the run the files give.
    @Test func alignmentInAPipelineFromTheCollectionEqualsFromFiles() throws {
        let server = ChromaTestServer.shared!
        let fixture = try ChromaFixture(server: server)
        let files = try Self.runner(
            try Self.pipeline(fixture, url: server.url), output: fixture.directory.file("files")
        ).run()
        let collection = try Self.runner(
            try Self.pipeline(fixture, url: server.url, alignFromCollection: true),
            output: fixture.directory.file("collection")
        ).run()
        #expect(collection.ran == ["align", "evaluate"])
        #expect(collection.metrics.stages["align"]?.values == files.metrics.stages["align"]?.values)
        let rows = { (summary: RunSummary) in summary.metrics.stages["evaluate"]?.evaluation?.rows.map(\.values) }
        #expect(rows(collection) != nil && rows(collection) == rows(files))
        let manifest = try String(
            contentsOf: fixture.directory.file("collection").appendingPathComponent("manifest.json"), encoding: .utf8)
        #expect(manifest.contains("data.index.chroma") && !manifest.contains("data.alignment.index_model"))
    }

    /// The server is stopped once the evaluation has opened the collection and starts searching:
    /// era reports it (naming the server), commits no evaluate stage, and the run after a restart
    /// resumes: align is reused, evaluate runs.
    @Test(.enabled(if: ChromaProcess.executable != nil, "no chroma executable (ERA_CHROMA_BIN or chroma on PATH)"))
    func aServerStoppedMidEvaluationIsReportedAndTheRerunResumes() throws {
        let own = try ChromaProcess.start()
        defer { own.remove() }
        let fixture = try ChromaFixture(server: ChromaTestServer(url: own.url), queries: 400)
        let output = fixture.directory.file("run")
        let path = try Self.pipeline(fixture, url: own.url)
        let stopped = StopOnce(own)
        let failing = try Self.runner(path, output: output) { event in
            if case .stageProgress(let progress) = event, progress.stage == "evaluate" { stopped.stop() }
        }
        do {
            _ = try failing.run()
            Issue.record("expected the run to fail with the server stopped")
        } catch {
            #expect("\(error)".contains("cannot reach the Chroma server at \(own.url)"), "\(error)")
        }
        #expect(stopped.done)
        let names = try FileManager.default.contentsOfDirectory(atPath: output.path)
        #expect(names.contains("align"))
        #expect(!names.contains("evaluate"), "\(names)")
        #expect(!names.contains { $0.hasPrefix(".staging-") }, "\(names)")

        let restarted = try ChromaProcess.start(port: own.port, path: own.path)
        defer { restarted.stop() }
        let resumed = try Self.runner(path, output: output).run()
        #expect(resumed.ran == ["evaluate"])
        #expect(resumed.skipped == ["align"])
    }
}

/// Stops a server the first time it is asked, from whichever thread asks.
final class StopOnce: @unchecked Sendable {
    private let server: ChromaProcess
    private let lock = NSLock()
    private(set) var done = false

    init(_ server: ChromaProcess) { self.server = server }

    func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !done else { return }
        server.stop()
        done = true
    }
}
