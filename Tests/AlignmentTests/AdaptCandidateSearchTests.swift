import Alignment
import LinearAlgebra
import Retrieval
import Testing
import _TestSupport

/// Hard-negative mining with an injected candidate search (``AdaptCandidateSearch``): the search
/// given is the one used, its candidates are scored against the corpus, and the default is the
/// exact search mining always ran.
struct AdaptCandidateSearchTests {
    /// The 2-d corpus of AdaptDataTests: document i scores `scores[i]` against the query e0.
    static let scores: [Float] = [0.8, 0.9, 0.77, 0.75, 0.7, 0.5, 0.3, 0.6, 0.1]
    static var corpus: Matrix {
        var corpus = Matrix(rows: scores.count, columns: 2)
        for (i, s) in scores.enumerated() {
            corpus[i, 0] = s
            corpus[i, 1] = (1 - s * s).squareRoot()
        }
        return corpus
    }

    /// A search that returns only d8, d6, d3, d5 (in no particular order): mining keeps what it returns,
    /// rescored and ordered hardest first, with the margin and the labeled positives applied as always.
    @Test func theInjectedSearchIsTheOneUsed() throws {
        let search = AdaptCandidateSearch(name: "fixed") { queries, depth in
            #expect(depth == 9)  // min(pool, documents)
            #expect(queries.rows == 1 && queries[0, 0] == 1)
            return [[8, 6, 3, 5, 7]]
        }
        let pools = try AdaptNegativePools.mine(
            mappedQueries: Matrix([[1, 0]]), corpus: Self.corpus, positives: [[0, 7]], pool: 20, keep: 3,
            margin: 0.95, search: search)
        // Positive d0 (0.8, threshold 0.76): d3 0.75, d5 0.5, d6 0.3 (exact search: d3, d4, d5).
        #expect(pools.pools[0][0] == [3, 5, 6])
        // Positive d7 (0.6, threshold 0.57; labeled, so never a negative): d5, d6, d8.
        #expect(pools.pools[0][1] == [5, 6, 8])
        let exact = try AdaptNegativePools.mine(
            mappedQueries: Matrix([[1, 0]]), corpus: Self.corpus, positives: [[0, 7]], pool: 20, keep: 3,
            margin: 0.95)
        #expect(exact.pools[0][0] == [3, 4, 5])
    }

    @Test func aSearchReturningRowsOutsideTheCorpusOrTwiceIsRefused() {
        for bad in [[[3, 9]], [[3, 3]], [[-1]], [[3], [4]]] {
            let search = AdaptCandidateSearch(name: "bad") { _, _ in bad }
            #expect(throws: AlignmentError.self) {
                try AdaptNegativePools.mine(
                    mappedQueries: Matrix([[1, 0]]), corpus: Self.corpus, positives: [[0]], pool: 9, keep: 3,
                    margin: 0.95, search: search)
            }
        }
    }

    /// The default is exact search with its own scores, as before the hook; a search returning exact
    /// search's rankings gives the same pools.
    @Test func theDefaultIsTheExactSearchOfBefore() throws {
        var g = SeededGenerator(seed: 5)
        var corpus = Matrix.randomNormal(rows: 400, columns: 12, using: &g)
        corpus.normalizeRows()
        var queries = Matrix.randomNormal(rows: 30, columns: 12, using: &g)
        queries.normalizeRows()
        let positives = (0..<30).map { q in (0..<(1 + q % 3)).map { (q * 13 + $0 * 101) % 400 } }
        let pool = 60, keep = 6, margin = 0.95
        // Mining as it was written before the hook.
        let ranked = try ExactSearch().search(queries: queries, corpus: corpus, k: pool)
        var before = [[[Int]]]()
        for (q, relevant) in positives.enumerated() {
            let rows = ranked.rows(ofQuery: q), scores = ranked.scores(ofQuery: q)
            before.append(
                relevant.map { positive in
                    let score = Double(BLAS.dot(Array(queries.row(q)), Array(corpus.row(positive)), count: 12))
                    let threshold = score > 0 ? margin * score : score / margin
                    var kept = [Int]()
                    for (row, value) in zip(rows, scores) where !relevant.contains(row) && Double(value) <= threshold {
                        kept.append(row)
                        if kept.count == keep { break }
                    }
                    return kept
                })
        }
        let mined = try AdaptNegativePools.mine(
            mappedQueries: queries, corpus: corpus, positives: positives, pool: pool, keep: keep, margin: margin)
        #expect(mined.pools == before)
        #expect(AdaptCandidateSearch.exact.isExact)
        let exactRows = AdaptCandidateSearch(name: "exact rankings, injected") { [corpus] q, depth in
            let result = try ExactSearch().search(queries: q, corpus: corpus, k: depth)
            return (0..<q.rows).map { Array(result.rows(ofQuery: $0)) }
        }
        let injected = try AdaptNegativePools.mine(
            mappedQueries: queries, corpus: corpus, positives: positives, pool: pool, keep: keep, margin: margin,
            search: exactRows)
        #expect(injected.pools == before)
    }

    /// The trainer mines with the problem's search: one that fails fails the run, naming it; one that
    /// returns exact search's rankings trains the same map as the default.
    @Test func theTrainerMinesWithTheProblemsSearch() throws {
        let planted = try AdaptSyntheticProblem()
        let settings = AdaptSyntheticProblem.settings(.linear)
        var failing = planted.problem
        struct Unreachable: Error {}
        failing.negativeSearch = AdaptCandidateSearch(name: "a server that is down") { _, _ in throw Unreachable() }
        do {
            _ = try AdaptTrainer.train(failing, settings: settings)
            Issue.record("the failing search was not used")
        } catch {
            #expect(error.description.contains("a server that is down"))
        }
        var injected = planted.problem
        let corpus = planted.problem.corpus
        injected.negativeSearch = AdaptCandidateSearch(name: "exact rankings, injected") { q, depth in
            let result = try ExactSearch().search(queries: q, corpus: corpus, k: depth)
            return (0..<q.rows).map { Array(result.rows(ofQuery: $0)) }
        }
        let byDefault = try AdaptTrainer.train(planted.problem, settings: settings)
        let throughSearch = try AdaptTrainer.train(injected, settings: settings)
        #expect(throughSearch.map.weight == byDefault.map.weight)
        #expect(throughSearch.map.bias == byDefault.map.bias)
        #expect(throughSearch.selectedSteps == byDefault.selectedSteps)
    }
}
