import LinearAlgebra
import Retrieval

/// How hard-negative mining finds each labeled query's candidates: exact search of the corpus in
/// memory (``exact``, the default), or a search the caller supplies, e.g. a vector database's query
/// API over the same documents.
///
/// A supplied search returns corpus rows only. Mining scores them itself (the inner product of the
/// mapped query with the corpus row, the teacher's score) and orders them by that score, the higher
/// row first among equal scores as exact search does, so the false-negative margin and the order
/// "hardest first" do not depend on which search found the candidates.
public struct AdaptCandidateSearch: Sendable {
    /// Ranks the index for each row of `mappedQueries` (`n x m`, the teacher-mapped, normalized
    /// queries): one list per row of up to `depth` corpus rows, best first.
    public typealias Body = @Sendable (_ mappedQueries: Matrix, _ depth: Int) throws -> [[Int]]

    /// Where the candidates come from, for logs (e.g. `exact search`, a `chroma://` location).
    public let name: String
    let body: Body?

    /// A search of the caller's: `body` ranks the corpus rows for each mapped query.
    public init(name: String, _ body: @escaping Body) {
        self.name = name
        self.body = body
    }

    private init(exactNamed name: String) {
        self.name = name
        body = nil
    }

    /// Exact search of the corpus in memory (Retrieval's `ExactSearch`): mining as it always was.
    public static let exact = AdaptCandidateSearch(exactNamed: "exact search")

    /// Whether this is ``exact``.
    public var isExact: Bool { body == nil }

    /// Each query's candidate rows, best first, with the teacher's scores.
    func ranked(
        mappedQueries: Matrix, corpus: some RowMatrix, depth: Int
    ) throws(AlignmentError) -> [(rows: [Int], scores: [Float])] {
        guard let body else {
            let result: SearchResult
            do {
                result = try ExactSearch().search(queries: mappedQueries, corpus: corpus, k: depth)
            } catch {
                throw .invalidParameter(name: "hard-negative search", value: "\(depth)", reason: error.description)
            }
            return (0..<mappedQueries.rows).map { q in
                (rows: Array(result.rows(ofQuery: q)), scores: Array(result.scores(ofQuery: q)))
            }
        }
        let lists: [[Int]]
        do { lists = try body(mappedQueries, depth) } catch {
            // The store's own failure (a lost server, a bad answer), not a setting of era's.
            throw .searchFailed(search: name, reason: "\(error)")
        }
        guard lists.count == mappedQueries.rows else {
            throw .shapeMismatch(
                operation: "hard-negative search (\(name))", expected: "\(mappedQueries.rows) rankings",
                got: "\(lists.count)")
        }
        for (q, list) in lists.enumerated() {
            var seen = Set<Int>()
            for row in list.prefix(depth) where row < 0 || row >= corpus.rows || !seen.insert(row).inserted {
                throw .invalidParameter(
                    name: "hard-negative search", value: name,
                    reason:
                        "returned row \(row) for query \(q): not a row of the \(corpus.rows)-row corpus, or a row twice"
                )
            }
        }
        let m = corpus.columns
        return corpus.withUnsafeBufferPointer { docs in
            mappedQueries.withUnsafeBufferPointer { queries in
                lists.enumerated().map { q, list in
                    var scored = list.prefix(depth).map { row in
                        (row: row, score: BLAS.dot(queries.baseAddress! + q * m, docs.baseAddress! + row * m, count: m))
                    }
                    scored.sort { $0.score > $1.score || ($0.score == $1.score && $0.row > $1.row) }
                    return (rows: scored.map(\.row), scores: scored.map(\.score))
                }
            }
        }
    }
}
