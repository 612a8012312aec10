import AdapterFormat
import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra
import Retrieval
import Testing
import Workflows
import _TestSupport

/// ``AdaptRequest`` on its own: it trains what a hand-built problem trains, reads only what its
/// flags ask for, and each failure carries the role of the input at fault, which each front end
/// names its own way (flag, key path) without reading the message.
@Suite struct AdaptRequestTests {
    /// 60 documents (m = 6), 48 labeled queries (p = 8) planted near their document; stage one is
    /// the rectangular identity.
    struct Fixture {
        let dir: TemporaryDirectory
        let queries: Matrix, documents: Matrix, qrels: String
        let stageOne: Adapter

        init() throws {
            dir = try TemporaryDirectory()
            var g = SeededGenerator(seed: 11)
            var docs = Matrix.randomNormal(rows: 60, columns: 6, using: &g)
            docs.normalizeRows()
            let mix = Matrix.randomNormal(rows: 8, columns: 6, using: &g)
            var x = Matrix(rows: 48, columns: 8)
            var qrels = "query-id\tcorpus-id\tscore\n"
            for q in 0..<48 {
                let doc = (q * 7 + 2) % 60
                for i in 0..<8 {
                    var value = i < 6 ? docs[doc, i] : 0
                    for j in 0..<6 { value += 0.5 * mix[i, j] * docs[doc, j] }
                    x[q, i] = value + Float(0.05 * g.normal())
                }
                qrels += "q\(q)\td\(doc)\t1\n"
            }
            (queries, documents, self.qrels) = (x, docs, qrels)
            try Npy.write(x, to: dir.file("queries.npy"))
            try Npy.write(docs, to: dir.file("corpus.npy"))
            _ = try dir.write("query_ids.txt", text: (0..<48).map { "q\($0)" }.joined(separator: "\n") + "\n")
            _ = try dir.write("corpus_ids.txt", text: (0..<60).map { "d\($0)" }.joined(separator: "\n") + "\n")
            _ = try dir.write("qrels.tsv", text: qrels)
            stageOne = Adapter(
                map: try AffineMap(weight: Matrix.identity(rows: 6, columns: 8), bias: [Float](repeating: 0, count: 6)),
                sourceModel: "q", targetModel: "d", stage: "align", configurationHash: "-", version: "test")
        }

        var settings: AdaptSettings {
            var s = AdaptSettings()
            (s.maxSteps, s.learningRate, s.hardPool, s.seed) = (30, 0.01, 12, 3)
            return s
        }

        func request(index: IndexSource? = nil) -> AdaptRequest {
            AdaptRequest(
                stageOne: stageOne, stageOneName: "stage1.safetensors", queries: dir.file("queries.npy").path,
                queryIds: dir.file("query_ids.txt").path,
                index: index ?? .files(embeddings: dir.file("corpus.npy").path, ids: dir.file("corpus_ids.txt").path),
                labels: dir.file("qrels.tsv").path, settings: settings)
        }
    }

    @Test func trainsWhatTheHandBuiltProblemTrains() throws {
        let f = try Fixture()
        var events = 0
        let outcome = try f.request().run(progress: { if case .training = $0 { events += 1 } })
        let problem = AdaptProblem(
            queries: f.queries, queryIds: (0..<48).map { "q\($0)" }, corpus: f.documents,
            corpusIds: (0..<60).map { "d\($0)" }, trainingQrels: try Qrels.read(f.dir.file("qrels.tsv")),
            stageOne: f.stageOne.map)
        let direct = try AdaptWorkflow.run(problem, stageOne: f.stageOne, settings: f.settings)
        try outcome.adapter.save(to: f.dir.file("request.safetensors"))
        try direct.adapter.save(to: f.dir.file("direct.safetensors"))
        #expect(
            try Data(contentsOf: f.dir.file("request.safetensors"))
                == Data(contentsOf: f.dir.file("direct.safetensors")))
        #expect(outcome.result.labeledQueries.count == 48 && events > 0)
    }

    /// The retired index model's queries reach the calibration only (asked for), never the map; unasked,
    /// a front end that checked its files already does not read them at all.
    @Test func retiredIndexQueriesOnlyReachTheCalibration() throws {
        let f = try Fixture()
        var own = Matrix(rows: 48, columns: 6)
        for q in 0..<48 { for j in 0..<6 { own[q, j] = f.queries[q, j] } }
        try Npy.write(own, to: f.dir.file("index_queries.npy"))
        var request = f.request()
        (request.indexQueries, request.indexModelRetired) = (f.dir.file("index_queries.npy").path, true)
        #expect(try request.prepare().calibrationQueries == nil)
        request.calibrateWithIndexQueries = true
        let prepared = try request.prepare()
        #expect(prepared.problem.indexQueries == nil && prepared.calibrationQueries?.rows == 48)
        (request.indexQueries, request.calibrateWithIndexQueries, request.checkInputs) = ("missing.npy", false, false)
        #expect(try request.prepare().problem.indexQueries == nil)
    }

    /// Each failure names its role; the CLI's naming gives the flag, the pipeline's the key path.
    @Test func failuresCarryTheRoleOfTheInput() throws {
        let f = try Fixture()
        let flag: (AdaptRequest.Role) -> String = { role in
            role == .indexQueries ? "--index-queries iq.npy" : role == .labels ? "--qrels qrels.tsv" : "--\(role)"
        }
        let keyPath: (AdaptRequest.Role) -> String = { role in
            role == .indexQueries ? "data.queries.index_model_embeddings" : "data.\(role)"
        }
        // Index-model queries of the wrong width.
        try Npy.write(f.queries, to: f.dir.file("wide.npy"))
        var request = f.request()
        request.indexQueries = f.dir.file("wide.npy").path
        let wide = try #require(throws: AdaptRequest.Failure.self) { try request.prepare() }
        #expect(wide.role == .indexQueries)
        #expect(wide.message(naming: flag).hasPrefix("--index-queries iq.npy: is 48 x 8 but must hold"))
        #expect(wide.message(naming: keyPath).hasPrefix("data.queries.index_model_embeddings: is 48 x 8"))
        // A query id file that is not there: unreadable, with the file's own error.
        var missing = f.request()
        missing.queryIds = f.dir.file("nope.txt").path
        let unreadable = try #require(throws: AdaptRequest.Failure.self) { try missing.prepare() }
        #expect(unreadable.role == .queryIds)
        guard case .unreadable = unreadable.reason else { Issue.record("\(unreadable)"); return }
        // A hybrid stage one: the trainer's refusal is about the stage-one adapter.
        var hybrid = f.request()
        hybrid.stageOne.indexWeight = Matrix.identity(rows: 6, columns: 6)
        let stageOne = try #require(throws: AdaptRequest.Failure.self) { try hybrid.run() }
        #expect(stageOne.role == .stageOne && stageOne.description.hasPrefix("adapt: "))
        // Labels that match no query: the trainer's refusal names the labels' input.
        _ = try f.dir.write("qrels.tsv", text: "query-id\tcorpus-id\tscore\nx1\td1\t1\n")
        let labels = try #require(throws: AdaptRequest.Failure.self) { try f.request().run() }
        #expect(labels.role == .labels)
        #expect(labels.message(naming: flag).contains("the labels come from --qrels qrels.tsv"))
        // Queries of another model than the adapter's.
        try Npy.write(f.documents, to: f.dir.file("narrow.npy"))
        var narrow = f.request()
        narrow.queries = f.dir.file("narrow.npy").path
        narrow.queryIds = f.dir.file("corpus_ids.txt").path
        let dimension = try #require(throws: AdaptRequest.Failure.self) { try narrow.prepare() }
        #expect(dimension.role == .queries)
        #expect(
            dimension.message(naming: flag) == "--queries: has dimension 6 but stage1.safetensors maps from 8: "
                + "the queries must come from the adapter's query model")
    }

    @Test func anIndexNamedByTheUser() throws {
        guard case .files(let embeddings, let ids) = try AdaptRequest.index("c.npy", ids: "c.txt") else {
            Issue.record("not files"); return
        }
        #expect(embeddings == "c.npy" && ids == "c.txt")
        let noIds = try #require(throws: AdaptRequest.Failure.self) { try AdaptRequest.index("c.npy", ids: nil) }
        #expect(noIds.role == .indexIds)
        let extra = try #require(throws: AdaptRequest.Failure.self) {
            try AdaptRequest.index("chroma://localhost:8000/docs", ids: "c.txt")
        }
        #expect(extra.role == .indexIds && extra.description.contains("Chroma collection"))
        #expect(AdaptRequest.isStore("postgresql://u@h/db?table=t") && !AdaptRequest.isStore("c.npy"))
    }
}
