/// The best corpus rows of each query, best first, with their scores.
///
/// Order within a query: score descending, then the ``TieBreak`` rank descending. A query
/// has `min(k, corpus rows)` results, one fewer when its excluded row would otherwise count.
public struct SearchResult: Sendable, Hashable {
    /// Requested results per query.
    public let k: Int
    /// Corpus rows of all queries, concatenated; query `i` owns `offsets[i]..<offsets[i + 1]`.
    public let rows: [Int]
    /// Scores aligned with ``rows``.
    public let scores: [Float]
    /// `queryCount + 1` boundaries into ``rows`` and ``scores``.
    public let offsets: [Int]

    /// A result from its flat arrays (`precondition`: `rows` and `scores` have equal counts and
    /// `offsets.last == rows.count`).
    /// - Parameters:
    ///   - k: the requested results per query.
    ///   - rows: corpus rows of all queries, concatenated.
    ///   - scores: one score per entry of `rows`.
    ///   - offsets: `queryCount + 1` non-decreasing boundaries, the last equal to `rows.count`.
    public init(k: Int, rows: [Int], scores: [Float], offsets: [Int]) {
        precondition(rows.count == scores.count && offsets.last == rows.count, "inconsistent search result")
        self.k = k
        self.rows = rows
        self.scores = scores
        self.offsets = offsets
    }

    /// Number of queries.
    public var queryCount: Int { offsets.count - 1 }

    /// Corpus rows retrieved for query `query`, best first.
    public func rows(ofQuery query: Int) -> ArraySlice<Int> { rows[offsets[query]..<offsets[query + 1]] }

    /// Scores of ``rows(ofQuery:)``, descending.
    public func scores(ofQuery query: Int) -> ArraySlice<Float> { scores[offsets[query]..<offsets[query + 1]] }

    /// The ranking of query `query` as corpus ids (`ids[row]`).
    /// - Parameters:
    ///   - query: the 0-based query row.
    ///   - ids: the id of every corpus row.
    public func ids(ofQuery query: Int, corpusIds ids: [String]) -> [String] {
        rows(ofQuery: query).map { ids[$0] }
    }
}
