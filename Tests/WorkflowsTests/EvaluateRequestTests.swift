import AdapterFormat
import Alignment
import Foundation
import LinearAlgebra
import Reports
import Retrieval
import Testing
import Workflows
import _TestSupport

/// One evaluation request for both front ends (issue 21): the rows it scores, the roles its errors
/// name, and the one renderer whose checks and verdict lines `era evaluate` and `era run` print.
@Suite struct EvaluateRequestTests {
    /// 200 documents; query i is document i plus noise (the new model), the index model's query less noisy.
    struct Planted {
        var corpus: Matrix
        var queries: Matrix
        var indexQueries: Matrix
        var queryIds = (0..<40).map { "q\($0)" }
        var corpusIds = (0..<200).map { "d\($0)" }
        /// q10...q39 judged (the evaluation), q0...q9 labeled.
        var qrels = Qrels(judgments: Dictionary(uniqueKeysWithValues: (10..<40).map { ("q\($0)", ["d\($0)": 1]) }))
        var labeled = Qrels(judgments: Dictionary(uniqueKeysWithValues: (0..<10).map { ("q\($0)", ["d\($0)": 1]) }))

        init() {
            var generator = SeededGenerator(seed: 21)
            let corpus = Matrix.randomNormal(rows: 200, columns: 12, using: &generator).normalizedRows()
            func noisy(_ scale: Float) -> Matrix {
                let noise = Matrix.randomNormal(rows: 40, columns: 12, using: &generator)
                let rows = (0..<40).map { i in zip(corpus.row(i), noise.row(i)).map { $0 + scale * $1 } }
                return Matrix(rows: 40, columns: 12, storage: rows.flatMap { $0 }).normalizedRows()
            }
            queries = noisy(0.6)
            indexQueries = noisy(0.2)
            self.corpus = corpus
        }
    }

    static func adapter(_ map: AffineMap<Float>) -> Adapter {
        Adapter(
            map: map, sourceModel: "new", targetModel: "old", stage: "align", configurationHash: "-", version: "test")
    }

    static func request(_ planted: Planted, index: EvaluateWorkflow.Index? = nil) -> EvaluateWorkflow.Request {
        var settings = EvaluateSettings()
        settings.metrics = ["ndcg@10", "recall@100"]
        settings.significanceTrials = 500
        var request = EvaluateWorkflow.Request(
            maps: [("identity", adapter(.identity(source: 12, target: 12)))], queries: planted.queries,
            queryIds: planted.queryIds, index: index ?? .files(corpus: planted.corpus, ids: planted.corpusIds),
            qrels: planted.qrels, settings: settings)
        request.indexQueries = planted.indexQueries
        request.baselines = [.indexAsIs]
        request.unseenAgainst = planted.labeled
        return request
    }

    @Test func theRequestScoresTheBaselinesThenTheMapsAgainstTheIndexAsIs() throws {
        let planted = Planted()
        let result = try EvaluateWorkflow.run(Self.request(planted))
        let table = result.evaluation.rows.table
        #expect(table.rows.map(\.name) == [EvaluateWorkflow.indexAsIs, "identity"])
        #expect(table.comparedTo == EvaluateWorkflow.indexAsIs)
        #expect(result.store == nil)
        // Each row is exact search of its own queries.
        for (name, queries) in [(EvaluateWorkflow.indexAsIs, planted.indexQueries), ("identity", planted.queries)] {
            let exact = try Evaluator.evaluate(
                queries: queries, queryIds: planted.queryIds, corpus: planted.corpus, corpusIds: planted.corpusIds,
                qrels: planted.qrels, cutoffs: [10, 100])
            let row = try #require(table.rows.first { $0.name == name })
            #expect(abs((row.values["all"]?["ndcg@10"] ?? -1) - exact.report.mean["ndcg@10"]!) < 1e-9, "\(name)")
        }
        // The less noisy index model's queries win; the verdict says to keep them.
        let verdict = try #require(result.evaluation.verdict)
        #expect(verdict.reference == EvaluateWorkflow.indexAsIs)
        #expect(verdict.decision == .keep)
        #expect(result.evaluation.unseen != nil)
    }

    /// `era evaluate`'s older entry point and the request agree row for row.
    @Test func theAdapterRequestIsTheSameEvaluation() throws {
        let planted = Planted()
        let request = Self.request(planted)
        var settings = request.settings.workflowSettings(reference: nil)
        settings.testedMetric = "ndcg@10"
        var older = EvaluateWorkflow.AdapterRequest(
            queries: planted.queries, queryIds: planted.queryIds, corpus: planted.corpus, corpusIds: planted.corpusIds,
            qrels: planted.qrels, labeled: planted.labeled, adapter: ("identity", request.maps[0].adapter!),
            compare: nil, indexQueries: planted.indexQueries, settings: settings)
        older.retiredIndexModel = false
        let a = try EvaluateWorkflow.run(request).evaluation, b = try EvaluateWorkflow.run(older)
        #expect(a.rows.table.rows.map(\.values) == b.rows.table.rows.map(\.values))
        #expect(a.verdict?.recommendation == b.verdict?.recommendation)
        #expect(a.checks.map(\.line) == b.checks.map(\.line))
    }

    @Test func errorsNameTheRoleOfTheInputThatDoesNotFit() throws {
        let planted = Planted()
        func failure(_ change: (inout EvaluateWorkflow.Request) -> Void) -> EvaluateInputError? {
            var request = Self.request(planted)
            change(&request)
            do {
                _ = try EvaluateWorkflow.run(request)
                return nil
            } catch { return error as? EvaluateInputError }
        }
        let shape = failure { $0.indexQueries = planted.corpus }
        #expect(shape?.role == .indexQueries)
        #expect(shape?.problem == .shape(rows: 200, columns: 12, expectedRows: 40, expectedColumns: 12))

        let served = EvaluateWorkflow.Index.store(UnsearchedStore())
        let store = failure {
            $0.index = served
            $0.reembeddedCorpus = planted.corpus
        }
        #expect(store?.role == .reembeddedCorpus && store?.problem == .needsFileIndex)

        let wide = failure { $0.maps = [("wide", Self.adapter(.identity(source: 12, target: 16)))] }
        #expect(wide?.role == .adapter && wide?.subject == "wide")
        #expect(wide?.problem == .adapterDimensions(source: 12, target: 16, queries: 12, corpus: 12))

        let none = failure { $0.qrels = Qrels(judgments: ["nobody": ["d1": 1]]) }
        #expect(none?.role == .qrels)
        if case .nothingToDo = none?.problem {
        } else {
            Issue.record("expected nothing to do, got \(String(describing: none))")
        }

        let hybrid = try Adapter(
            hybrid: HybridMap(
                weight: Matrix.identity(12), indexWeight: Matrix.identity(12), bias: [Float](repeating: 0, count: 12)),
            sourceModel: "new", targetModel: "old", stage: "adapt", configurationHash: "-", version: "test")
        let retired = failure {
            $0.maps = [("hybrid", hybrid)]
            $0.retiredIndexModel = true
        }
        #expect(retired?.role == .adapter && retired?.subject == "hybrid")
        #expect(retired?.problem == .adapter(.hybridWithRetiredIndexModel))
        let missing = failure {
            $0.maps = [("hybrid", hybrid)]
            $0.baselines = []
            $0.indexQueries = nil
        }
        #expect(missing?.problem == .adapter(.missingIndexQueries))
    }

    /// `era evaluate` prints the renderer's text; `era run` prints its checks block and verdict line
    /// (RunMetrics.terminalTables): the same functions, so the same lines.
    @Test func theRendererPrintsTheChecksAndTheVerdictOfBothFrontEnds() throws {
        let result = try EvaluateWorkflow.run(Self.request(Planted()))
        let verdict = try #require(result.evaluation.verdict)
        let renderer = EvaluationRenderer(
            result, comparedAgainst: nil, comparedMetric: "ndcg@10", includePerQuery: false)
        let text = renderer.text()
        let checks = SanityCheck.text(result.evaluation.checks)
        #expect(!checks.isEmpty && text.contains(checks))
        #expect(text.hasSuffix(verdict.line(form: .evaluate)))
        for form in [Verdict.Form.evaluate, .run] {
            #expect(verdict.line(form: form).hasSuffix(": " + verdict.recommendation))
        }
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(renderer.json().utf8)) as? [String: Any])
        #expect((json["verdict"] as? [String: Any])?["recommendation"] as? String == verdict.recommendation)
        #expect((json["checks"] as? [[String: String]])?.count == result.evaluation.checks.count)
        #expect(json["queries"] as? Int == 30)
        #expect((json["unseen"] as? [String: Any])?["queries"] as? Int == result.evaluation.unseen?.count)
    }
}

/// A store the request is refused for before anything is searched.
private struct UnsearchedStore: ServedIndex {
    var serverCorpus: Matrix { Matrix(rows: 0, columns: 12) }
    var search: EvaluateWorkflow.Search { { _, _, _, _ in throw RetrievalError.empty("unused") } }
    func pulledForExactSearch(limit: Int) throws -> (ids: [String], matrix: Matrix) {
        throw RetrievalError.empty("unused")
    }
    func storeRun(_ outcome: StoreEvaluation.Outcome) -> EvaluateWorkflow.StoreRun {
        EvaluateWorkflow.StoreRun(name: "unsearched", outcome: outcome)
    }
}

/// An adapter lists the labeled queries it was trained on (hashed ids in its metadata): evaluating it
/// on them fails the leak check and withholds the verdict even without the training qrels (without
/// `--unseen-against`, an adapter evaluated on its own training queries got a verdict).
@Suite struct AdapterTrainingQueriesTests {
    @Test func anAdapterEvaluatedOnItsOwnTrainingQueriesIsALeak() throws {
        let planted = EvaluateRequestTests.Planted()
        let list = try #require(LabeledQueryList(queryIds: ["q10", "q11", "q3"]))
        #expect(list.contains("q10") && list.contains("q3") && !list.contains("q12"))
        #expect(LabeledQueryList(metadata: [LabeledQueryList.metadataKey: list.metadataValue]) == list)
        var adapter = EvaluateRequestTests.adapter(.identity(source: 12, target: 12))
        adapter.extraMetadata[LabeledQueryList.metadataKey] = list.metadataValue
        var request = EvaluateRequestTests.request(planted)
        request.maps = [("adapt", adapter)]
        request.unseenAgainst = nil
        let result = try EvaluateWorkflow.run(request).evaluation
        let leak = try #require(result.checks.first { $0.name == "labeled-not-evaluated" })
        #expect(leak.status == .failed)
        #expect(leak.detail.hasPrefix("2 of 30 queries of"), "\(leak.detail)")
        #expect(leak.detail.contains("adapt was trained on"), "\(leak.detail)")
        #expect(result.verdict?.decision == .withheld)
        // The same adapter on queries it was not trained on: no such check.
        adapter.extraMetadata[LabeledQueryList.metadataKey] = try #require(LabeledQueryList(queryIds: ["q3"]))
            .metadataValue
        request.maps = [("adapt", adapter)]
        #expect(try EvaluateWorkflow.run(request).evaluation.checks.allSatisfy { $0.name != "labeled-not-evaluated" })
    }
}
