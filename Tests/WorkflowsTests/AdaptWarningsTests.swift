import AdapterFormat
import Alignment
import LinearAlgebra
import Retrieval
import Testing
import Workflows

/// Issue 11 item 10: adapt dropped judgments for unknown documents without the warning evaluate gives.
@Suite struct AdaptWarningsTests {
    @Test func droppedJudgmentsAreReported() throws {
        let map = try AffineMap(weight: Matrix([[1, 0, 0], [0, 1, 0]]), bias: [0, 0])
        let qrels = Qrels(judgments: [
            "q0": ["d0": 1, "typo-d1": 1],  // one of two documents unknown
            "q1": ["typo-d2": 2],  // every document unknown
            "q9": ["d0": 1],  // no embedding for the query
            "q2": ["d1": 0],  // nothing relevant: not counted
        ])
        let problem = AdaptProblem(
            queries: Matrix(rows: 3, columns: 3, repeating: 1), queryIds: ["q0", "q1", "q2"],
            corpus: Matrix(rows: 2, columns: 2, repeating: 1), corpusIds: ["d0", "d1"],
            trainingQrels: qrels, stageOne: map)
        #expect(
            AdaptWorkflow.warnings(for: problem) == [
                "1 qrels queries skipped: no query embedding",
                "2 relevant judgments name documents missing from the corpus and are not trained on (1 queries lose all their relevant documents)",
            ])
        var seen: [String] = []
        let stageOne = Adapter(
            map: map, sourceModel: "q", targetModel: "d", stage: "align", configurationHash: "-", version: "test")
        // The workflow hands the same lines to the front end before training (which then fails here).
        _ = try? AdaptWorkflow.run(problem, stageOne: stageOne, settings: AdaptSettings(), warn: { seen.append($0) })
        #expect(seen == AdaptWorkflow.warnings(for: problem))
    }
}
