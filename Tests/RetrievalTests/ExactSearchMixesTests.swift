import LinearAlgebra
import Retrieval
import Testing
import _TestSupport

@Suite struct ExactSearchMixesTests {
    /// Integer vectors and integer weights: every mixed score is exact in Float, so the mixes must
    /// rank as the brute force does on the mixed vectors u a_q + v b_q, ties included.
    @Test(arguments: [1, 10, 40])
    func mixesRankAsTheMixedVectorsDo(k: Int) throws {
        var g = SeededGenerator(seed: UInt64(100 + k))
        let d = integerMatrix(rows: 173, columns: 5, range: -2...2, using: &g)
        let a = integerMatrix(rows: 11, columns: 5, range: -2...2, using: &g)
        let b = integerMatrix(rows: 11, columns: 5, range: -2...2, using: &g)
        let mixes = (0..<4).map { _ in
            ExactSearch.Mix(
                first: (0..<11).map { _ in Float(Int.random(in: 0...3, using: &g)) },
                second: (0..<11).map { _ in Float(Int.random(in: 0...3, using: &g)) })
        }
        let ids = (0..<d.rows).map { "doc\(($0 * 37) % 173)" }
        let tieBreak = TieBreak.byteWiseIds(ids)
        for search in [ExactSearch(), ExactSearch(corpusChunkRows: 16, queryBlockRows: 3)] {
            let results = try search.search(
                first: a, second: b, mixes: mixes, corpus: d, k: k, tieBreak: tieBreak)
            #expect(results.count == mixes.count)
            for (mix, result) in zip(mixes, results) {
                var mixed = Matrix(rows: a.rows, columns: a.columns)
                for q in 0..<a.rows {
                    for c in 0..<a.columns { mixed[q, c] = mix.first[q] * a[q, c] + mix.second[q] * b[q, c] }
                }
                #expect(rankings(result) == bruteForce(mixed, d, k: k, tie: { tieBreak.rank(ofRow: $0) }))
            }
        }
    }

    /// The mix (0, 1) is the second query set's own search, scores and order to the bit.
    @Test func theSecondSetAloneIsItsOwnSearch() throws {
        var g = SeededGenerator(seed: 7)
        let d = Matrix.randomNormal(rows: 2100, columns: 24, using: &g)
        let a = Matrix.randomNormal(rows: 30, columns: 24, using: &g)
        let b = Matrix.randomNormal(rows: 30, columns: 24, using: &g)
        let alone = ExactSearch.Mix(first: Array(repeating: 0, count: 30), second: Array(repeating: 1, count: 30))
        let results = try ExactSearch().search(first: a, second: b, mixes: [alone], corpus: d, k: 10)
        let direct = try ExactSearch().search(queries: b, corpus: d, k: 10)
        #expect(rankings(results[0]) == rankings(direct))
        for q in 0..<30 { #expect(Array(results[0].scores(ofQuery: q)) == Array(direct.scores(ofQuery: q))) }
    }

    /// Scores computed once stand for the first query set's vectors: the same rankings and scores,
    /// in the default blocks and in small ones (chunk edges inside the corpus).
    @Test func firstScoresComputedOnceRankAsItsQueries() throws {
        var g = SeededGenerator(seed: 11)
        let d = Matrix.randomNormal(rows: 1300, columns: 16, using: &g)
        let a = Matrix.randomNormal(rows: 21, columns: 16, using: &g)
        let b = Matrix.randomNormal(rows: 21, columns: 16, using: &g)
        let mixes = [0.25, 0.5, 0.75].map { t in
            ExactSearch.Mix(
                first: (0..<21).map { Float(1 - t) * Float(1 + $0 % 3) }, second: (0..<21).map { _ in Float(t) })
        }
        for search in [ExactSearch(), ExactSearch(corpusChunkRows: 100, queryBlockRows: 4)] {
            let scores = try search.scores(queries: a, corpus: d)
            #expect(scores.rows == 21 && scores.columns == 1300)
            let viaQueries = try search.search(first: a, second: b, mixes: mixes, corpus: d, k: 10)
            let viaScores = try search.search(firstScores: scores, second: b, mixes: mixes, corpus: d, k: 10)
            for (x, y) in zip(viaQueries, viaScores) {
                #expect(rankings(x) == rankings(y))
                for q in 0..<21 { #expect(Array(x.scores(ofQuery: q)) == Array(y.scores(ofQuery: q))) }
            }
            // Each query's best score is its largest full score.
            let own = try search.search(queries: a, corpus: d, k: 1)
            for q in 0..<21 {
                #expect(own.scores(ofQuery: q).first == (0..<1300).map { scores[q, $0] }.max())
            }
        }
        #expect(throws: RetrievalError.self) {
            try ExactSearch().search(
                firstScores: Matrix(rows: 21, columns: 5), second: b, mixes: mixes, corpus: d, k: 1)
        }
    }

    @Test func mismatchedShapesAreRefused() throws {
        let d = Matrix(rows: 4, columns: 3)
        let a = Matrix(rows: 2, columns: 3)
        let mix = ExactSearch.Mix(first: [1, 1], second: [0, 0])
        #expect(throws: RetrievalError.self) {
            try ExactSearch().search(first: a, second: Matrix(rows: 3, columns: 3), mixes: [mix], corpus: d, k: 1)
        }
        #expect(throws: RetrievalError.self) {
            try ExactSearch().search(first: a, second: Matrix(rows: 2, columns: 2), mixes: [mix], corpus: d, k: 1)
        }
        #expect(throws: RetrievalError.self) {
            try ExactSearch().search(
                first: a, second: a, mixes: [ExactSearch.Mix(first: [1], second: [0])], corpus: d, k: 1)
        }
    }
}
