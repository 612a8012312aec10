import EmbeddingIO
import Foundation
import Retrieval
import Testing
import _TestSupport

@Suite struct RealDataTests {
    /// Means of the peer on SciFact test (300 queries). The @10 ndcg/mrr/p and recall/map@100 figures
    /// are printed by `python3 /work/shared/bench/peer.py evaluate --data /work/shared/data/scifact
    /// --query-model M --doc-model M` (M = minilm, mpnet; the same with --ignore-identical-ids);
    /// the others come from peer.py's own `exact_topk` + `query_metrics` at k = 100 (and the same
    /// definitions at 10), called from a Python script in the same way `cmd_evaluate` calls them.
    static let peer: [String: [String: Double]] = [
        "minilm": [
            "ndcg@10": 0.6450816521455774, "recall@100": 0.925, "mrr@10": 0.6047248677248678,
            "map@100": 0.6030740834806815, "p@10": 0.08833333333333332, "ndcg@100": 0.6766476669524606,
            "mrr@100": 0.6109678843408566, "p@100": 0.010533333333333334,
            "recall@10": 0.7833333333333333, "map@10": 0.5959314814814816,
        ],
        "mpnet": [
            "ndcg@10": 0.6553916588633819, "recall@100": 0.9416666666666667, "mrr@10": 0.6174589947089947,
            "map@100": 0.6155623566867781, "p@10": 0.08933333333333332, "ndcg@100": 0.6888281456084577,
            "mrr@100": 0.6234629639918867, "p@100": 0.0107,
            "recall@10": 0.790111111111111, "map@10": 0.6078686507936508,
        ],
    ]

    @Test(.enabled(if: SharedData.scifact != nil, "\(SharedData.skipReason)"), arguments: ["minilm", "mpnet"])
    func sameModelMetricsEqualPeer(model: String) throws {
        let dir = try #require(SharedData.scifact)
        let queries = try Npy.read(dir.appendingPathComponent("\(model).queries.npy"))
        let corpus = try Npy.map(dir.appendingPathComponent("\(model).corpus.npy"))  // scanned from the mapping
        let queryIds = try IdList.read(dir.appendingPathComponent("query_ids.txt"))
        let corpusIds = try IdList.read(dir.appendingPathComponent("corpus_ids.txt"))
        let qrels = try Qrels.read(dir.appendingPathComponent("qrels.test.tsv"))
        let run = try Evaluator.evaluate(
            queries: queries, queryIds: queryIds, corpus: corpus, corpusIds: corpusIds,
            qrels: qrels, cutoffs: [10, 100])
        #expect(run.report.count == 300)
        #expect(run.warnings.queriesWithoutEmbedding == 0)
        for (name, expected) in Self.peer[model]! {
            let got = try #require(run.report.mean[name])
            #expect(abs(got - expected) < 1e-6, "\(model) \(name): \(got) vs peer \(expected)")
        }
        if model == "minilm" { #expect(abs(run.report.mean["ndcg@10"]! - 0.6451) < 5e-4) }
        #expect(run.rankings.values.allSatisfy { $0.count == 100 })
        // SciFact's query ids never coincide with its document ids: BEIR's rule changes nothing here.
        let ignoring = try Evaluator.evaluate(
            queries: queries, queryIds: queryIds, corpus: corpus, corpusIds: corpusIds,
            qrels: qrels, ignoreIdenticalIds: true)
        #expect(ignoring.report == run.report)
    }
}
