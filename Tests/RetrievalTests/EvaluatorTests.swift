import EmbeddingIO
import Foundation
import LinearAlgebra
import Retrieval
import Testing
import _TestSupport

@Suite struct EvaluatorTests {
    // Four documents on the axes of R^2 and their opposites; queries point at documents.
    let corpus = Matrix([[1, 0], [0, 1], [-1, 0], [0, -1]])
    let corpusIds = ["dA", "dB", "q2", "dD"]
    let queries = Matrix([[1, 0], [-1, 0], [0, 1]])
    let queryIds = ["q1", "q2", "q3"]

    @Test func evaluatesQueriesWithEmbeddingAndRelevantDocument() throws {
        let qrels = Qrels(judgments: [
            "q1": ["dA": 1], "q2": ["dB": 2, "gone": 1], "q3": ["dA": 0], "q9": ["dA": 1],
        ])
        let run = try Evaluator.evaluate(
            queries: queries, queryIds: queryIds, corpus: corpus, corpusIds: corpusIds,
            qrels: qrels, cutoffs: [1, 3])
        #expect(run.report.queries == ["q1", "q2"])
        #expect(run.warnings.queriesWithoutEmbedding == 1)
        #expect(run.warnings.queriesWithoutRelevant == 1)
        #expect(run.warnings.relevantDocumentsMissingFromCorpus == 1)
        #expect(run.warnings.messages.count == 3)
        #expect(run.rankings["q1"] == ["dA", "dD", "dB", "q2"])  // ties at 0: larger id first
        #expect(run.rankings["q2"] == ["q2", "dD", "dB", "dA"])
        #expect(run.report.metrics(ofQuery: "q1")?["mrr@1"] == 1)
        #expect(run.report.metrics(ofQuery: "q2")?["recall@3"] == 1.0 / 2)
        #expect(run.timing.searchSeconds >= run.timing.mapSeconds)
    }

    @Test func ignoreIdenticalIdsAndQueryMap() throws {
        let qrels = Qrels(judgments: ["q2": ["q2": 1, "dD": 1]])
        let plain = try Evaluator.evaluate(
            queries: queries, queryIds: queryIds, corpus: corpus, corpusIds: corpusIds,
            qrels: qrels, cutoffs: [1])
        #expect(plain.rankings["q2"]?.first == "q2")
        let beir = try Evaluator.evaluate(
            queries: queries, queryIds: queryIds, corpus: corpus, corpusIds: corpusIds,
            qrels: qrels, cutoffs: [1], ignoreIdenticalIds: true)
        #expect(beir.rankings["q2"] == ["dD", "dB", "dA"])
        // A map from R^3 to R^2 rotating by 90 degrees: q2 (-1, 0) -> (0, -1) = dD.
        let mapped = try Evaluator.evaluate(
            queries: Matrix([[-1, 0, 5]]), queryIds: ["q2"], corpus: corpus, corpusIds: corpusIds, qrels: qrels,
            cutoffs: [1], mapQueries: { q in try Matrix.multiply(q, Matrix([[0, 1], [-1, 0], [0, 0]])) })
        #expect(mapped.rankings["q2"]?.first == "dD")
    }

    @Test func invalidInputsThrow() {
        let qrels = Qrels(judgments: ["q1": ["dA": 1]])
        #expect(throws: RetrievalError.self) {
            try Evaluator.evaluate(
                queries: queries, queryIds: ["q1"], corpus: corpus, corpusIds: corpusIds, qrels: qrels)
        }
        #expect(throws: RetrievalError.duplicateId(what: "corpus ids", id: "dA")) {
            try Evaluator.evaluate(
                queries: queries, queryIds: queryIds, corpus: corpus,
                corpusIds: ["dA", "dB", "dA", "x"], qrels: qrels)
        }
        #expect(throws: RetrievalError.self) {
            try Evaluator.evaluate(
                queries: queries, queryIds: queryIds, corpus: corpus, corpusIds: corpusIds,
                qrels: Qrels(judgments: ["zz": ["dA": 1]]))
        }
        #expect(throws: RetrievalError.dimensionMismatch(queries: 3, corpus: 2)) {
            try Evaluator.evaluate(
                queries: Matrix([[1, 0, 0]]), queryIds: ["q1"], corpus: corpus,
                corpusIds: corpusIds, qrels: qrels)
        }
    }
}
