import LinearAlgebra
import Retrieval
import Testing
import _TestSupport

/// Integer-valued vectors: every dot product is exact in Float, so the brute force below sees
/// exactly the scores the gemm produces, and small ranges make many ties.
func integerMatrix(rows: Int, columns: Int, range: ClosedRange<Int>, using g: inout SeededGenerator) -> Matrix {
    Matrix(
        rows: rows, columns: columns,
        storage: (0..<(rows * columns)).map { _ in Float(Int.random(in: range, using: &g)) })
}

/// Full sort of every score: (score desc, tie rank desc), excluded row dropped, first k.
func bruteForce(_ q: Matrix, _ d: Matrix, k: Int, tie: (Int) -> Int, excluded: [Int?]? = nil) -> [[Int]] {
    (0..<q.rows).map { i in
        let scored = (0..<d.rows).filter { excluded?[i] != $0 }.map { j -> (Float, Int, Int) in
            var s: Float = 0
            for c in 0..<q.columns { s += q[i, c] * d[j, c] }
            return (s, tie(j), j)
        }
        return scored.sorted { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 > $1.1) }.prefix(k).map { $0.2 }
    }
}

func rankings(_ r: SearchResult) -> [[Int]] { (0..<r.queryCount).map { Array(r.rows(ofQuery: $0)) } }

@Suite struct ExactSearchTests {
    @Test(arguments: [1, 5, 10, 250, 400])
    func topKEqualsFullSortWithRowTieBreak(k: Int) throws {
        var g = SeededGenerator(seed: UInt64(k))
        let d = integerMatrix(rows: 301, columns: 6, range: -2...2, using: &g)
        let q = integerMatrix(rows: 23, columns: 6, range: -2...2, using: &g)
        let expected = bruteForce(q, d, k: k, tie: { $0 })
        for search in [
            ExactSearch(), ExactSearch(corpusChunkRows: 64, queryBlockRows: 5),
            ExactSearch(corpusChunkRows: 1, queryBlockRows: 1),
        ] {
            let result = try search.search(queries: q, corpus: d, k: k)
            #expect(rankings(result) == expected)
            #expect(result.k == k)
            for i in 0..<q.rows {
                let scores = Array(result.scores(ofQuery: i))
                #expect(scores == scores.sorted(by: >))
                #expect(scores.count == min(k, d.rows))
            }
        }
    }

    @Test(arguments: [1, 31, 32, 33, 97, 128])
    func chunkBoundaries(corpusRows: Int) throws {
        var g = SeededGenerator(seed: 7)
        let d = integerMatrix(rows: corpusRows, columns: 5, range: -3...3, using: &g)
        let q = integerMatrix(rows: 11, columns: 5, range: -3...3, using: &g)
        let result = try ExactSearch(corpusChunkRows: 32, queryBlockRows: 4).search(queries: q, corpus: d, k: 20)
        #expect(rankings(result) == bruteForce(q, d, k: 20, tie: { $0 }))
    }

    @Test func realValuedScoresMatchBruteForce() throws {
        var g = SeededGenerator(seed: 3)
        let d = Matrix.randomNormal(rows: 500, columns: 32, using: &g)
        let q = Matrix.randomNormal(rows: 9, columns: 32, using: &g)
        let result = try ExactSearch(corpusChunkRows: 77, queryBlockRows: 4).search(queries: q, corpus: d, k: 15)
        let expected = bruteForce(q, d, k: 15, tie: { $0 })
        // Different summation orders may swap near-equal scores; demand the same sets and scores to 1e-4.
        for i in 0..<q.rows {
            #expect(Set(result.rows(ofQuery: i)) == Set(expected[i]))
            for (row, score) in zip(result.rows(ofQuery: i), result.scores(ofQuery: i)) {
                var s: Float = 0
                for c in 0..<32 { s += q[i, c] * d[row, c] }
                #expect(abs(s - score) < 1e-4)
            }
        }
    }

    @Test func equalScoresComeInDescendingByteWiseIdOrder() throws {
        // Byte-wise: "B" (0x42) < "a" < "ab" < "b" < "é" (0xC3 0xA9); "10" < "9".
        let ids = ["b", "a", "é", "ab", "B", "10", "9"]
        let d = Matrix(rows: ids.count, columns: 2, repeating: 1)
        let q = Matrix([[1, 1]])
        let result = try ExactSearch().search(queries: q, corpus: d, k: 7, tieBreak: .byteWiseIds(ids))
        #expect(result.ids(ofQuery: 0, corpusIds: ids) == ["é", "b", "ab", "a", "B", "9", "10"])
        // A tie straddling the cut keeps the larger ids.
        let top2 = try ExactSearch(corpusChunkRows: 2).search(queries: q, corpus: d, k: 2, tieBreak: .byteWiseIds(ids))
        #expect(top2.ids(ofQuery: 0, corpusIds: ids) == ["é", "b"])
    }

    @Test func peerSelftestTieOrder() throws {
        let ids = ["b", "a", "c"]
        let result = try ExactSearch().search(
            queries: Matrix(rows: 1, columns: 2, repeating: 1),
            corpus: Matrix(rows: 3, columns: 2, repeating: 1), k: 3,
            tieBreak: .byteWiseIds(ids))
        #expect(result.ids(ofQuery: 0, corpusIds: ids) == ["c", "b", "a"])
    }

    @Test func idTieBreakMatchesBruteForce() throws {
        var g = SeededGenerator(seed: 11)
        let d = integerMatrix(rows: 200, columns: 4, range: -1...1, using: &g)
        let q = integerMatrix(rows: 13, columns: 4, range: -1...1, using: &g)
        let ids = (0..<200).map { "doc\(($0 * 7919) % 200)" }
        let tie = TieBreak.byteWiseIds(ids)
        let result = try ExactSearch(corpusChunkRows: 50, queryBlockRows: 6).search(
            queries: q, corpus: d, k: 30, tieBreak: tie)
        let expected = bruteForce(
            q, d, k: 30, tie: { row in ids.filter { $0.utf8.lexicographicallyPrecedes(ids[row].utf8) }.count })
        #expect(rankings(result) == expected)
    }

    @Test func excludedRowIsNeverRetrieved() throws {
        var g = SeededGenerator(seed: 5)
        let d = integerMatrix(rows: 40, columns: 3, range: -2...2, using: &g)
        let q = integerMatrix(rows: 6, columns: 3, range: -2...2, using: &g)
        let excluded: [Int?] = [0, nil, 39, 17, 17, 33]
        for k in [5, 40, 50] {
            let result = try ExactSearch(corpusChunkRows: 16, queryBlockRows: 4)
                .search(queries: q, corpus: d, k: k, excluding: excluded)
            #expect(rankings(result) == bruteForce(q, d, k: k, tie: { $0 }, excluded: excluded))
        }
        // A query equal to a document excludes that exact match even though it scores best.
        let own = try ExactSearch().search(
            queries: Matrix([[1, 0]]), corpus: Matrix([[1, 0], [0.5, 0]]), k: 2,
            excluding: [0])
        #expect(Array(own.rows(ofQuery: 0)) == [1])
    }

    @Test func kLargerThanCorpusReturnsEveryDocument() throws {
        let result = try ExactSearch().search(
            queries: Matrix([[1, 0], [0, 1]]),
            corpus: Matrix([[0, 1], [1, 0], [1, 1]]), k: 10)
        #expect(rankings(result) == [[2, 1, 0], [2, 0, 1]])
        #expect(Array(result.scores(ofQuery: 0)) == [1, 1, 0])
    }

    @Test func invalidInputsThrow() {
        let q = Matrix(rows: 2, columns: 3), d = Matrix(rows: 4, columns: 3)
        #expect(throws: RetrievalError.dimensionMismatch(queries: 2, corpus: 3)) {
            try ExactSearch().search(queries: Matrix(rows: 1, columns: 2), corpus: d, k: 1)
        }
        #expect(throws: RetrievalError.invalidCutoff(0)) { try ExactSearch().search(queries: q, corpus: d, k: 0) }
        #expect(throws: RetrievalError.invalidCutoff(-3)) { try ExactSearch().search(queries: q, corpus: d, k: -3) }
        #expect(throws: RetrievalError.self) { try ExactSearch().search(queries: q, corpus: d, k: 1, excluding: [nil]) }
        #expect(throws: RetrievalError.self) {
            try ExactSearch().search(queries: q, corpus: d, k: 1, excluding: [4, nil])
        }
        #expect(throws: RetrievalError.self) {
            try ExactSearch().search(queries: q, corpus: d, k: 1, tieBreak: .byteWiseIds(["a"]))
        }
    }

    @Test func emptyCorpusGivesEmptyRankings() throws {
        let result = try ExactSearch().search(
            queries: Matrix(rows: 2, columns: 3), corpus: Matrix(rows: 0, columns: 3), k: 5)
        #expect(result.queryCount == 2)
        #expect(result.rows.isEmpty)
    }
}
