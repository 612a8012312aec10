import EmbeddingIO
import Foundation
import Retrieval
import Testing
import _TestSupport

@Suite struct IRMetricsTests {
    func close(_ a: Double?, _ b: Double, _ tol: Double = 1e-12) -> Bool { Tolerance.isClose(a, b, tol) }

    /// peer.py `cmd_selftest` check 2: grades d3 = 2, d1 = 1, d9 = 1 (d9 never retrieved).
    @Test func peerHandWorkedExample() throws {
        let m = try #require(
            IRMetrics.queryMetrics(
                ranking: ["d3", "x", "d1", "y"], judged: ["d1": 1, "d3": 2, "d9": 1, "x": 0], cutoffs: [10, 100]))
        #expect(close(m["ndcg@10"], (2 + 1.0 / 2) / (2 + 1 / log2(3.0) + 1.0 / 2)))
        #expect(close(m["recall@100"], 2.0 / 3))
        #expect(close(m["mrr@10"], 1))
        #expect(close(m["map@100"], (1.0 / 1 + 2.0 / 3) / 3))
        #expect(close(m["p@10"], 2.0 / 10))
        #expect(close(m["p@100"], 2.0 / 100))
    }

    @Test func gradedRelevanceAndCutoffs() throws {
        // rank:     1    2    3    4    5
        let ranking = ["n1", "a", "n2", "b", "c"]
        let judged = ["a": 3, "b": 1, "c": 2, "n1": 0]
        let m = try #require(IRMetrics.queryMetrics(ranking: ranking, judged: judged, cutoffs: [1, 3, 5]))
        // @1: nothing relevant.
        #expect(close(m["ndcg@1"], 0) && close(m["recall@1"], 0) && close(m["mrr@1"], 0) && close(m["map@1"], 0))
        // @3: a (grade 3) at rank 2.
        let idcg3 = 3 + 2 / log2(3.0) + 1 / log2(4.0)
        #expect(close(m["ndcg@3"], (3 / log2(3.0)) / idcg3))
        #expect(close(m["recall@3"], 1.0 / 3))
        #expect(close(m["p@3"], 1.0 / 3))
        #expect(close(m["mrr@3"], 1.0 / 2))
        #expect(close(m["map@3"], (1.0 / 2) / 3))
        // @5: a at 2, b at 4, c at 5.
        let dcg5 = 3 / log2(3.0) + 1 / log2(5.0) + 2 / log2(6.0)
        #expect(close(m["ndcg@5"], dcg5 / idcg3))
        #expect(close(m["recall@5"], 1))
        #expect(close(m["p@5"], 3.0 / 5))
        #expect(close(m["map@5"], (1.0 / 2 + 2.0 / 4 + 3.0 / 5) / 3))
    }

    @Test func cutoffBeyondRankingAndMissingRelevantDocument() throws {
        // Two retrieved docs, cutoff 10: P divides by 10; "gone" (relevant, not in the corpus) stays in |R| and IDCG.
        let m = try #require(IRMetrics.queryMetrics(ranking: ["x", "a"], judged: ["a": 1, "gone": 1], cutoffs: [10]))
        #expect(close(m["p@10"], 0.1))
        #expect(close(m["recall@10"], 0.5))
        #expect(close(m["ndcg@10"], (1 / log2(3.0)) / (1 + 1 / log2(3.0))))
        #expect(close(m["map@10"], 0.5 / 2))
        #expect(close(m["mrr@10"], 0.5))
    }

    @Test func queryWithoutRelevantDocumentIsSkipped() throws {
        #expect(IRMetrics.queryMetrics(ranking: ["a"], judged: ["a": 0, "b": -1], cutoffs: [10]) == nil)
        let qrels = Qrels(judgments: ["q1": ["a": 1], "q2": ["a": 0], "q3": ["b": 2]])
        // q2: no relevant doc; q3: no ranking -> both skipped, like pytrec_eval.
        let report = try IRMetrics.evaluate(rankings: ["q1": ["b", "a"], "q2": ["a"]], qrels: qrels, cutoffs: [10])
        #expect(report.queries == ["q1"])
        #expect(report.count == 1)
        #expect(close(report.mean["mrr@10"], 0.5))
        #expect(report.metricNames == ["ndcg@10", "recall@10", "p@10", "mrr@10", "map@10"])
    }

    @Test func meansRestrictionAndUnseenSubset() throws {
        let test = Qrels(judgments: ["q1": ["a": 1], "q2": ["b": 1, "c": 1], "q3": ["d": 1, "z": 0], "q4": ["e": 0]])
        let train = Qrels(judgments: ["t1": ["a": 1, "d": 0], "t2": ["c": 2]])
        let rankings = ["q1": ["a"], "q2": ["x", "b"], "q3": ["d"], "q4": ["e"]]
        let report = try IRMetrics.evaluate(rankings: rankings, qrels: test, cutoffs: [10, 100])
        #expect(report.queries == ["q1", "q2", "q3"])
        #expect(close(report.mean["mrr@10"], (1 + 0.5 + 1) / 3))
        #expect(report.values(of: "mrr@10") == [1, 0.5, 1])
        #expect(close(report.metrics(ofQuery: "q2")?["recall@100"], 0.5))
        // q1's doc a and q2's doc c are relevant in train; q3's d is judged there but not relevant.
        let unseen = report.unseen(testQrels: test, trainQrels: train)
        #expect(unseen.queries == ["q3"])
        #expect(close(unseen.mean["ndcg@10"], 1))
        #expect(report.restricted(to: ["q2", "nope"]).queries == ["q2"])
        #expect(report.restricted(to: []).mean["ndcg@10"] == 0)
    }

    @Test func invalidCutoffsThrow() {
        #expect(throws: RetrievalError.invalidCutoff(0)) {
            try IRMetrics.evaluate(rankings: [:], qrels: Qrels(), cutoffs: [10, 0])
        }
        #expect(throws: RetrievalError.self) { try IRMetrics.evaluate(rankings: [:], qrels: Qrels(), cutoffs: []) }
    }

    @Test func queriesSortByteWise() throws {
        let qrels = Qrels(judgments: ["10": ["a": 1], "9": ["a": 1], "B": ["a": 1], "a": ["a": 1]])
        let rankings = Dictionary(uniqueKeysWithValues: qrels.judgments.keys.map { ($0, ["a"]) })
        #expect(try IRMetrics.evaluate(rankings: rankings, qrels: qrels).queries == ["10", "9", "B", "a"])
    }
}
