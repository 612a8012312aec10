import LinearAlgebra
import Retrieval

/// Hard-negative candidates mined from the index with a teacher map (stage one).
///
/// For each labeled query the teacher ranks the index (top `pool`, by exact search or the given
/// ``AdaptCandidateSearch``); for each of
/// its positives d+ with teacher score s+, the candidates are the ranked documents that are not
/// labeled relevant to the query and score at most `margin * s+` (`s+ / margin` when s+ <= 0):
/// documents the teacher puts nearly level with a positive are likely unlabeled positives, and
/// pushing them down would teach the map to reject relevant documents. The first `keep` survivors,
/// hardest first, form the pair's pool; training takes the hardest and samples the rest from the pool.
public struct AdaptNegativePools: Sendable, Hashable {
    /// `pools[q][k]`: corpus rows for query q's k-th positive, hardest first (may be shorter than `keep`).
    public let pools: [[[Int]]]

    /// - Parameters:
    ///   - mappedQueries: the labeled queries mapped by the teacher and normalized (`n x m`), row q = query q.
    ///   - corpus: the index (`N x m`).
    ///   - positives: each query's relevant corpus rows.
    ///   - pool: candidates ranked per query, from which the negatives are kept (`hard_pool`).
    ///   - keep: at most this many negatives per (query, positive) pair, the best ranked first.
    ///   - margin: a candidate scoring above this fraction of the positive's score is dropped as a likely
    ///     unlabeled positive (`false_negative_margin`).
    ///   - search: finds each query's top `pool` candidates; exact search of `corpus` by default. Whatever
    ///     finds them, the scores compared with the margin are inner products with `corpus` rows.
    /// - Complexity: with exact search, one search of n queries to depth `pool`: O(n N m) flops and
    ///   O(n N log pool) heap work; with another search, its cost plus O(n pool m) to score its candidates.
    public static func mine(
        mappedQueries: Matrix, corpus: some RowMatrix, positives: [[Int]], pool: Int, keep: Int,
        margin: Double, search: AdaptCandidateSearch = .exact
    ) throws(AlignmentError) -> AdaptNegativePools {
        precondition(positives.count == mappedQueries.rows, "one positive list per query")
        guard keep > 0, mappedQueries.rows > 0 else {
            return AdaptNegativePools(pools: positives.map { $0.map { _ in [] } })
        }
        guard mappedQueries.columns == corpus.columns else {
            throw .shapeMismatch(
                operation: "hard-negative mining", expected: "queries of \(corpus.columns) values",
                got: "\(mappedQueries.shape)")
        }
        let depth = min(pool, corpus.rows)
        let ranked = try search.ranked(mappedQueries: mappedQueries, corpus: corpus, depth: depth)
        let m = corpus.columns
        var pools = [[[Int]]]()
        pools.reserveCapacity(positives.count)
        corpus.withUnsafeBufferPointer { docs in
            mappedQueries.withUnsafeBufferPointer { queries in
                for (q, relevant) in positives.enumerated() {
                    let query = queries.baseAddress! + q * m
                    let (rows, scores) = ranked[q]
                    let labeled = Set(relevant)
                    pools.append(
                        relevant.map { positive in
                            let s = Double(BLAS.dot(query, docs.baseAddress! + positive * m, count: m))
                            let threshold = s > 0 ? margin * s : s / margin
                            var kept = [Int]()
                            for (row, score) in zip(rows, scores)
                            where !labeled.contains(row) && Double(score) <= threshold {
                                kept.append(row)
                                if kept.count == keep { break }
                            }
                            return kept
                        })
                }
            }
        }
        return AdaptNegativePools(pools: pools)
    }
}
