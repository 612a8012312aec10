import LinearAlgebra

/// Exact maximum-inner-product search: scores `Q * D^T` block by block (one `sgemm` per block),
/// and a bounded top-k per query. The corpus is read chunk by chunk straight from its buffer
/// (a memory-mapped file is never copied) and no full score row is ever sorted.
///
/// Cosine similarity when both sides have unit rows. Results are ordered by score descending,
/// ties by ``TieBreak`` rank descending (trec_eval's rule with ``TieBreak/byteWiseIds(_:)``).
/// A tie that straddles position k keeps the documents with the larger tie rank, so the result is
/// fully deterministic (numpy's argpartition cuts such a tie arbitrarily).
public struct ExactSearch: Sendable {
    /// Corpus rows per gemm block (the `n` of the gemm).
    public var corpusChunkRows: Int
    /// Query rows per gemm block (the `m` of the gemm).
    public var queryBlockRows: Int

    /// Block sizes: `queryBlockRows x corpusChunkRows` floats of scores per gemm. The defaults
    /// (1024 x 1024 = 4 MiB of scores, a 1.5 MiB corpus chunk at d = 384) keep both in the L3
    /// cache while the gemm stays large; they were the fastest of 512..8192-row chunks measured
    /// on 200k x 384 (2 cores, OpenBLAS).
    /// - Parameters:
    ///   - corpusChunkRows: corpus rows scored per gemm (> 0, `precondition`).
    ///   - queryBlockRows: query rows scored per gemm (> 0, `precondition`).
    public init(corpusChunkRows: Int = 1024, queryBlockRows: Int = 1024) {
        precondition(corpusChunkRows > 0 && queryBlockRows > 0, "block sizes must be positive")
        self.corpusChunkRows = corpusChunkRows
        self.queryBlockRows = queryBlockRows
    }

    /// The `k` best corpus rows for every query row.
    ///
    /// - Parameters:
    ///   - queries: `q x d` query vectors (row-major).
    ///   - corpus: `n x d` document vectors; may be a memory-mapped file.
    ///   - k: results per query (> 0); a query gets `min(k, n)` (minus an excluded row).
    ///   - tieBreak: order of equal scores (default: higher row first).
    ///   - excluding: nil, or one entry per query: a corpus row that query may not retrieve
    ///     (BEIR's rule for a query whose id equals a document id), or nil for none.
    /// - Throws: ``RetrievalError/dimensionMismatch(queries:corpus:)``, ``RetrievalError/invalidCutoff(_:)``,
    ///   ``RetrievalError/invalidExclusion(_:)`` (wrong count or a row outside the corpus),
    ///   ``RetrievalError/idCountMismatch(what:ids:rows:)`` (tie ranks not one per corpus row).
    /// - Returns: for each query, its `min(k, n)` best rows (one fewer when its excluded row
    ///   would have counted) with their inner-product scores, best first.
    /// - Complexity: O(q * n * d) flops in gemm, O(q * n) comparisons, O(q * k log k) extra memory work.
    public func search(
        queries: some RowMatrix, corpus: some RowMatrix, k: Int,
        tieBreak: TieBreak = .rowIndex, excluding: [Int?]? = nil
    ) throws(RetrievalError) -> SearchResult {
        guard k > 0 else { throw .invalidCutoff(k) }
        guard queries.columns == corpus.columns else {
            throw .dimensionMismatch(queries: queries.columns, corpus: corpus.columns)
        }
        if let ranks = tieBreak.ranks, ranks.count != corpus.rows {
            throw .idCountMismatch(what: "tie-break ranks", ids: ranks.count, rows: corpus.rows)
        }
        var excluded = [Int](repeating: -1, count: queries.rows)
        if let excluding {
            guard excluding.count == queries.rows else {
                throw .invalidExclusion("\(excluding.count) entries for \(queries.rows) queries")
            }
            for (q, row) in excluding.enumerated() {
                guard let row else { continue }
                guard row >= 0 && row < corpus.rows else {
                    throw .invalidExclusion("query \(q): corpus row \(row) outside 0..<\(corpus.rows)")
                }
                excluded[q] = row
            }
        }
        let heaps = TopKHeaps(queries: queries.rows, k: min(k, max(corpus.rows, 1)))
        if queries.rows > 0 && corpus.rows > 0 {
            queries.withUnsafeBufferPointer { q in
                corpus.withUnsafeBufferPointer { d in
                    scan(
                        q.baseAddress!, queryCount: queries.rows, d.baseAddress!, corpusCount: corpus.rows,
                        dim: corpus.columns, heaps: heaps, tieBreak: tieBreak, excluded: excluded)
                }
            }
        }
        return heaps.result(tieBreak: tieBreak, requestedK: k)
    }

    /// Corpus chunks in the outer loop (each chunk is read from memory once and stays in cache
    /// while every query block is scored against it), query blocks inside.
    private func scan(
        _ q: UnsafePointer<Float>, queryCount: Int, _ d: UnsafePointer<Float>, corpusCount: Int,
        dim: Int, heaps: TopKHeaps, tieBreak: TieBreak, excluded: [Int]
    ) {
        let chunkRows = min(corpusChunkRows, corpusCount)
        let blockRows = min(queryBlockRows, queryCount)
        let block = UnsafeMutablePointer<Float>.allocate(capacity: chunkRows * blockRows)
        defer { block.deallocate() }
        let anyExcluded = excluded.contains { $0 >= 0 }
        withRanks(tieBreak) { ranks in
            for c0 in stride(from: 0, to: corpusCount, by: chunkRows) {
                let cn = min(chunkRows, corpusCount - c0)
                for q0 in stride(from: 0, to: queryCount, by: blockRows) {
                    let qn = min(blockRows, queryCount - q0)
                    Self.scoreBlock(
                        q + q0 * dim, rows: qn, against: d + c0 * dim, rows: cn, dim: dim, into: block, ldc: cn)
                    for i in 0..<qn {
                        let row = block + i * cn
                        if anyExcluded {
                            let e = excluded[q0 + i]
                            if e >= c0 && e < c0 + cn { row[e - c0] = .nan }  // NaN never enters a heap
                        }
                        heaps.offer(query: q0 + i, scores: row, count: cn, firstRow: c0, ranks: ranks)
                    }
                }
            }
        }
    }

    func withRanks<R>(_ tieBreak: TieBreak, _ body: (UnsafePointer<Int32>?) -> R) -> R {
        guard let ranks = tieBreak.ranks else { return body(nil) }
        return ranks.withUnsafeBufferPointer { body($0.baseAddress) }
    }

    /// The scores of `queryRows` queries against `documentRows` documents (both row-major, `dim`
    /// columns) into `out`, row stride `ldc`: one gemm, or zeros when `dim == 0` (no gemm takes k = 0).
    static func scoreBlock(
        _ queries: UnsafePointer<Float>, rows queryRows: Int, against documents: UnsafePointer<Float>,
        rows documentRows: Int, dim: Int, into out: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if dim == 0 {
            for i in 0..<queryRows { (out + i * ldc).update(repeating: 0, count: documentRows) }
        } else {
            BLAS.gemm(
                .none, .transposed, m: queryRows, n: documentRows, k: dim, a: queries, lda: dim, b: documents,
                ldb: dim, c: out, ldc: ldc)
        }
    }
}

extension ExactSearch {
    /// One small gemm so the BLAS thread start-up is not billed to the timed search.
    ///
    /// Scores at most the first 256 queries against the first 256 corpus rows and discards the
    /// result; does nothing when either side is empty or the vector lengths differ.
    /// - Parameters:
    ///   - queries: the queries about to be searched.
    ///   - corpus: the corpus about to be searched.
    public static func warmUp(_ queries: some RowMatrix, _ corpus: some RowMatrix) {
        let m = min(256, queries.rows), n = min(256, corpus.rows), d = corpus.columns
        guard m > 0, n > 0, d > 0, queries.columns == d else { return }
        var out = [Float](repeating: 0, count: m * n)
        queries.withUnsafeBufferPointer { q in
            corpus.withUnsafeBufferPointer { c in
                out.withUnsafeMutableBufferPointer { o in
                    BLAS.gemm(
                        .none, .transposed, m: m, n: n, k: d, a: q.baseAddress!, lda: d,
                        b: c.baseAddress!, ldb: d, c: o.baseAddress!, ldc: n)
                }
            }
        }
    }
}
