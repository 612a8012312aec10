import EmbeddingIO
import Foundation

/// trec_eval / pytrec_eval measures (the ones BEIR and MTEB report) of ranked lists against qrels.
///
/// For a query with relevant set R = {judged docs with grade > 0} (|R| > 0) and ranking d_1, d_2, ...
/// (best first), at cutoff k, with g_i = grade of d_i if relevant else 0 and h_i = [g_i > 0]:
/// - `ndcg@k`   = sum_{i<=k} g_i / log2(i + 1)  /  sum_{i<=k} g*_i / log2(i + 1), g* = R's grades
///   sorted descending (the ideal ranking, including relevant docs missing from the corpus);
/// - `recall@k` = sum_{i<=k} h_i / |R|;
/// - `p@k`      = sum_{i<=k} h_i / k (k, not the list length, as trec_eval's P_k);
/// - `mrr@k`    = 1 / (first i <= k with h_i = 1), 0 if none;
/// - `map@k`    = sum_{i<=k, h_i = 1} (sum_{j<=i} h_j / i) / |R| (trec_eval's map_cut).
/// Queries without any relevant document are skipped (they have no defined value), as are
/// queries without a ranking (pytrec_eval scores only queries present in both).
public enum IRMetrics {
    /// The cutoffs reported by default: 10 and 100.
    public static let defaultCutoffs = [10, 100]

    /// The measure families, in report order.
    public static let families = ["ndcg", "recall", "p", "mrr", "map"]

    /// Metric names for `cutoffs`, e.g. `["ndcg@10", "recall@10", ..., "map@100"]`, duplicates removed.
    public static func metricNames(cutoffs: [Int]) -> [String] {
        var seen = Set<Int>()
        return cutoffs.filter { seen.insert($0).inserted }.flatMap { k in families.map { "\($0)@\(k)" } }
    }

    /// The measures of one query, or nil when `judged` has no grade > 0.
    /// `ranking` holds document ids, best first; only the first `max(cutoffs)` are read.
    /// - Parameters:
    ///   - ranking: retrieved document ids, best first; unjudged ids count as non-relevant, and a
    ///     ranking shorter than a cutoff is scored as if padded with non-relevant documents.
    ///   - judged: the grades of this query's judged documents (`Qrels.judgments[query]`).
    ///   - cutoffs: the `k` of each measure (positive; not checked here).
    /// - Returns: `"family@k"` -> value for every family and cutoff; each lies in [0, 1] when
    ///   `ranking` has no repeated id.
    /// - Complexity: O(max cutoff + |judged| log |judged|) per call.
    public static func queryMetrics(ranking: [String], judged: [String: Int], cutoffs: [Int]) -> [String: Double]? {
        let relevantGrades = judged.values.filter { $0 > 0 }
        guard !relevantGrades.isEmpty else { return nil }
        let depth = cutoffs.max() ?? 0
        let gains = ranking.prefix(depth).map { max(judged[$0] ?? 0, 0) }
        let ideal = relevantGrades.sorted(by: >)
        let relevantCount = Double(relevantGrades.count)
        var out = [String: Double]()
        for k in cutoffs {
            var dcg = 0.0, idcg = 0.0, hits = 0, precisionSum = 0.0
            var firstHit: Int?
            for (i, g) in gains.prefix(k).enumerated() {
                dcg += Double(g) * discount(i)
                if g > 0 {
                    hits += 1
                    precisionSum += Double(hits) / Double(i + 1)
                    if firstHit == nil { firstHit = i }
                }
            }
            for (i, g) in ideal.prefix(k).enumerated() { idcg += Double(g) * discount(i) }
            out["ndcg@\(k)"] = dcg / idcg
            out["recall@\(k)"] = Double(hits) / relevantCount
            out["p@\(k)"] = Double(hits) / Double(k)
            out["mrr@\(k)"] = firstHit.map { 1.0 / Double($0 + 1) } ?? 0
            out["map@\(k)"] = precisionSum / relevantCount
        }
        return out
    }

    /// 1 / log2(rank + 1) for the 0-based position `i` (rank = i + 1).
    @inline(__always)
    static func discount(_ i: Int) -> Double { 1.0 / log2(Double(i + 2)) }

    /// Evaluates every query that has a ranking and at least one relevant document.
    ///
    /// - Parameters:
    ///   - rankings: query id -> document ids, best first (at least `max(cutoffs)` deep for exact values).
    ///   - qrels: the judgments.
    ///   - cutoffs: positive cutoffs (default [10, 100]).
    /// - Returns: the report over the evaluated queries, sorted byte-wise; empty when no query
    ///   qualifies.
    /// - Throws: ``RetrievalError/invalidCutoff(_:)`` for a cutoff <= 0 or an empty list.
    public static func evaluate(
        rankings: [String: [String]], qrels: Qrels,
        cutoffs: [Int] = defaultCutoffs
    ) throws(RetrievalError) -> EvaluationReport {
        guard !cutoffs.isEmpty else { throw .invalidCutoff(0) }
        if let bad = cutoffs.first(where: { $0 <= 0 }) { throw .invalidCutoff(bad) }
        let names = metricNames(cutoffs: cutoffs)
        var queries = [String]()
        var columns = [String: [Double]](uniqueKeysWithValues: names.map { ($0, []) })
        for query in qrels.judgments.keys.sorted(by: byteWiseLess) {
            guard let ranking = rankings[query], let judged = qrels.judgments[query],
                let values = queryMetrics(ranking: ranking, judged: judged, cutoffs: cutoffs)
            else { continue }
            queries.append(query)
            for name in names { columns[name]!.append(values[name]!) }
        }
        return EvaluationReport(metricNames: names, queries: queries, columns: columns)
    }
}
