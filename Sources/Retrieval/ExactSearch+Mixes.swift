import LinearAlgebra

extension ExactSearch {
    /// One ranking of ``ExactSearch/search(first:second:mixes:corpus:k:tieBreak:)``: query q scores
    /// document d as `first[q] * (a_q . d) + second[q] * (b_q . d)`.
    ///
    /// A weight of exactly 0 drops its side and a weight of exactly 1 is not multiplied, so the mix
    /// `(0, 1)` ranks by `b_q . d` bit for bit as ``ExactSearch/search(queries:corpus:k:tieBreak:excluding:)``
    /// does on the second query set.
    public struct Mix: Sendable, Hashable {
        /// Per query, the weight of the first query set's scores.
        public var first: [Float]
        /// Per query, the weight of the second query set's scores.
        public var second: [Float]

        public init(first: [Float], second: [Float]) {
            self.first = first
            self.second = second
        }
    }

    /// Several rankings of per-query mixes of two query sets' scores, with one pass over the corpus.
    ///
    /// Scoring a linear mix of two query vectors, `u a_q + v b_q`, costs two gemms here however many
    /// mixes are ranked, instead of one gemm per mix: `(u a_q + v b_q) . d = u (a_q . d) + v (b_q . d)`.
    /// Rankings equal those of ``search(queries:corpus:k:tieBreak:excluding:)`` on the mixed
    /// vectors up to float rounding of the mix (a positive per-query scale does not change a ranking).
    ///
    /// - Parameters:
    ///   - first: `q x d` query vectors.
    ///   - second: `q x d` query vectors, row q paired with `first`'s row q.
    ///   - mixes: the rankings to produce, each with one weight pair per query.
    ///   - corpus: `n x d` document vectors; may be a memory-mapped file.
    ///   - k: results per query (> 0).
    ///   - tieBreak: order of equal scores.
    /// - Throws: ``RetrievalError/dimensionMismatch(queries:corpus:)``, ``RetrievalError/invalidCutoff(_:)``,
    ///   ``RetrievalError/idCountMismatch(what:ids:rows:)`` (the query sets or a mix's weights do not
    ///   have one row per query, or tie ranks not one per corpus row).
    /// - Returns: one result per mix, in the order of `mixes`.
    /// - Complexity: O(2 q n d) flops in gemm and O(mixes * q * n) for the mixes and the heaps.
    public func search(
        first: some RowMatrix, second: some RowMatrix, mixes: [Mix], corpus: some RowMatrix, k: Int,
        tieBreak: TieBreak = .rowIndex
    ) throws(RetrievalError) -> [SearchResult] {
        try search(first: .queries(first), second: second, mixes: mixes, corpus: corpus, k: k, tieBreak: tieBreak)
    }

    /// ``search(first:second:mixes:corpus:k:tieBreak:)`` with the first query set's scores computed
    /// once by ``scores(queries:corpus:)``: one gemm per call instead of two, for a first set that is
    /// mixed with many second sets (rankings identical to passing its queries).
    /// - Parameters:
    ///   - firstScores: `q x n`, the first query set's score of every corpus row.
    ///   - second: `q x d` query vectors, row q paired with row q of `firstScores`.
    ///   - mixes: the rankings to produce, each with one weight pair per query.
    ///   - corpus: `n x d` document vectors; may be a memory-mapped file.
    ///   - k: results per query (> 0).
    ///   - tieBreak: order of equal scores.
    /// - Throws: as ``search(first:second:mixes:corpus:k:tieBreak:)``, and
    ///   ``RetrievalError/idCountMismatch(what:ids:rows:)`` when `firstScores` has not one column per corpus row.
    /// - Returns: one result per mix, in the order of `mixes`.
    /// - Complexity: O(q n d) flops in gemm and O(mixes * q * n) for the mixes and the heaps.
    public func search(
        firstScores: Matrix, second: some RowMatrix, mixes: [Mix], corpus: some RowMatrix, k: Int,
        tieBreak: TieBreak = .rowIndex
    ) throws(RetrievalError) -> [SearchResult] {
        guard firstScores.columns == corpus.rows else {
            throw .idCountMismatch(what: "first scores' columns", ids: firstScores.columns, rows: corpus.rows)
        }
        return try search(
            first: FirstSide<Matrix>.scores(firstScores), second: second, mixes: mixes, corpus: corpus, k: k,
            tieBreak: tieBreak)
    }

    /// Every score of every query, `q x n`: the floats ``search(queries:corpus:k:tieBreak:excluding:)``
    /// ranks, computed in the same blocks.
    /// - Parameters:
    ///   - queries: `q x d` query vectors.
    ///   - corpus: `n x d` document vectors; may be a memory-mapped file.
    /// - Throws: ``RetrievalError/dimensionMismatch(queries:corpus:)``.
    /// - Complexity: O(q n d) flops in gemm, `q * n` floats of memory.
    public func scores(queries: some RowMatrix, corpus: some RowMatrix) throws(RetrievalError) -> Matrix {
        guard queries.columns == corpus.columns else {
            throw .dimensionMismatch(queries: queries.columns, corpus: corpus.columns)
        }
        var out = Matrix(rows: queries.rows, columns: corpus.rows)  // zeros: the scores when dim == 0
        guard queries.rows > 0 && corpus.rows > 0 && corpus.columns > 0 else { return out }
        let (n, dim) = (corpus.rows, corpus.columns)
        let chunkRows = min(corpusChunkRows, n), blockRows = min(queryBlockRows, queries.rows)
        queries.withUnsafeBufferPointer { q in
            corpus.withUnsafeBufferPointer { d in
                out.withUnsafeMutableBufferPointer { o in
                    for c0 in stride(from: 0, to: n, by: chunkRows) {
                        let cn = min(chunkRows, n - c0)
                        for q0 in stride(from: 0, to: queries.rows, by: blockRows) {
                            let qn = min(blockRows, queries.rows - q0)
                            Self.scoreBlock(
                                q.baseAddress! + q0 * dim, rows: qn, against: d.baseAddress! + c0 * dim, rows: cn,
                                dim: dim, into: o.baseAddress! + q0 * n + c0, ldc: n)
                        }
                    }
                }
            }
        }
        return out
    }

    /// The first side of a mix: its query vectors, or their scores computed beforehand.
    private enum FirstSide<Queries: RowMatrix> {
        case queries(Queries)
        case scores(Matrix)

        var rows: Int {
            switch self {
            case .queries(let q): q.rows
            case .scores(let s): s.rows
            }
        }
    }

    private func search<First: RowMatrix>(
        first: FirstSide<First>, second: some RowMatrix, mixes: [Mix], corpus: some RowMatrix, k: Int,
        tieBreak: TieBreak
    ) throws(RetrievalError) -> [SearchResult] {
        guard k > 0 else { throw .invalidCutoff(k) }
        if case .queries(let first) = first, first.columns != corpus.columns {
            throw .dimensionMismatch(queries: first.columns, corpus: corpus.columns)
        }
        guard second.columns == corpus.columns else {
            throw .dimensionMismatch(queries: second.columns, corpus: corpus.columns)
        }
        guard first.rows == second.rows else {
            throw .idCountMismatch(what: "second query set", ids: second.rows, rows: first.rows)
        }
        for mix in mixes where mix.first.count != first.rows || mix.second.count != first.rows {
            throw .idCountMismatch(what: "mix weights", ids: min(mix.first.count, mix.second.count), rows: first.rows)
        }
        if let ranks = tieBreak.ranks, ranks.count != corpus.rows {
            throw .idCountMismatch(what: "tie-break ranks", ids: ranks.count, rows: corpus.rows)
        }
        let heaps = mixes.map { _ in TopKHeaps(queries: first.rows, k: min(k, max(corpus.rows, 1))) }
        if first.rows > 0 && corpus.rows > 0 && !mixes.isEmpty {
            let scan = { (a: FirstBlock) in
                second.withUnsafeBufferPointer { b in
                    corpus.withUnsafeBufferPointer { d in
                        scanMixes(
                            a, b.baseAddress!, queryCount: first.rows, d.baseAddress!,
                            corpusCount: corpus.rows, dim: corpus.columns, mixes: mixes, heaps: heaps,
                            tieBreak: tieBreak)
                    }
                }
            }
            switch first {
            case .queries(let queries): queries.withUnsafeBufferPointer { scan(.queries($0.baseAddress!)) }
            case .scores(let scores): scores.withUnsafeBufferPointer { scan(.scores($0.baseAddress!)) }
            }
        }
        return heaps.map { $0.result(tieBreak: tieBreak, requestedK: k) }
    }

    /// The blocks of ``search(queries:corpus:k:tieBreak:excluding:)``'s scan (so `(0, 1)` sees the
    /// same floats), scored for both query sets and mixed row by row.
    private enum FirstBlock {
        /// `q x d` query vectors.
        case queries(UnsafePointer<Float>)
        /// `q x n` scores.
        case scores(UnsafePointer<Float>)
    }

    private func scanMixes(
        _ a: FirstBlock, _ b: UnsafePointer<Float>, queryCount: Int, _ d: UnsafePointer<Float>,
        corpusCount: Int, dim: Int, mixes: [Mix], heaps: [TopKHeaps], tieBreak: TieBreak
    ) {
        let chunkRows = min(corpusChunkRows, corpusCount)
        let blockRows = min(queryBlockRows, queryCount)
        // The first side's block is scored only from query vectors (scores are read where they are).
        let blockA: UnsafeMutablePointer<Float>? =
            if case .queries = a { .allocate(capacity: chunkRows * blockRows) } else { nil }
        let blockB = UnsafeMutablePointer<Float>.allocate(capacity: chunkRows * blockRows)
        let mixed = UnsafeMutablePointer<Float>.allocate(capacity: chunkRows)
        defer {
            blockA?.deallocate()
            blockB.deallocate()
            mixed.deallocate()
        }
        withRanks(tieBreak) { ranks in
            for c0 in stride(from: 0, to: corpusCount, by: chunkRows) {
                let cn = min(chunkRows, corpusCount - c0)
                for q0 in stride(from: 0, to: queryCount, by: blockRows) {
                    let qn = min(blockRows, queryCount - q0)
                    Self.scoreBlock(
                        b + q0 * dim, rows: qn, against: d + c0 * dim, rows: cn, dim: dim, into: blockB, ldc: cn)
                    if case .queries(let a) = a, let blockA {
                        Self.scoreBlock(
                            a + q0 * dim, rows: qn, against: d + c0 * dim, rows: cn, dim: dim, into: blockA, ldc: cn)
                    }
                    for i in 0..<qn {
                        let q = q0 + i
                        let rowB = blockB + i * cn
                        let rowA: UnsafePointer<Float>
                        switch a {
                        case .queries: rowA = UnsafePointer(blockA! + i * cn)
                        case .scores(let scores): rowA = scores + q * corpusCount + c0
                        }
                        for (m, mix) in mixes.enumerated() {
                            let u = mix.first[q], v = mix.second[q]
                            let row: UnsafePointer<Float>
                            if u == 0 && v == 1 {
                                row = UnsafePointer(rowB)
                            } else if u == 1 && v == 0 {
                                row = rowA
                            } else {
                                for j in 0..<cn { mixed[j] = u * rowA[j] + v * rowB[j] }
                                row = UnsafePointer(mixed)
                            }
                            heaps[m].offer(query: q, scores: row, count: cn, firstRow: c0, ranks: ranks)
                        }
                    }
                }
            }
        }
    }
}
