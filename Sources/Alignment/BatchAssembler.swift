import LinearAlgebra

/// Copies the rows of one mini-batch into buffers allocated once (one for full batches, one for the
/// short last batch), so an epoch allocates nothing. Sources are read through a ``RowSelection``
/// (the mapped input file at scale: only the batch's rows are copied); with a pool, each batch also
/// gets `pool` targets drawn from the others (``AlignmentConfiguration/Negatives/pooled``).
struct BatchAssembler {
    let sources: RowSelection
    let targets: Matrix
    let withIndices: Bool
    let pool: Int
    private var full: PairBatch<Float>
    private var short: PairBatch<Float>?
    private var drawer: PoolDrawer?

    init(sources: RowSelection, targets: Matrix, batchSize: Int, withIndices: Bool, pool: Int = 0, seed: UInt64 = 0) {
        precondition(sources.count == targets.rows, "one target per source row")
        self.sources = sources
        self.targets = targets
        self.withIndices = withIndices
        // Never more than the targets outside a full batch: beyond that the pool is every other target.
        self.pool = max(0, min(pool, targets.rows - min(batchSize, targets.rows)))
        full = Self.buffer(
            rows: min(batchSize, sources.count), p: sources.columns, m: targets.columns,
            withIndices: withIndices, pool: self.pool)
        if self.pool > 0 { drawer = PoolDrawer(count: targets.rows, seed: seed) }
    }

    private static func buffer(rows: Int, p: Int, m: Int, withIndices: Bool, pool: Int) -> PairBatch<Float> {
        // Shapes agree by construction, so this cannot throw.
        var batch = try! PairBatch(
            sources: Matrix(rows: rows, columns: p), targets: Matrix(rows: rows, columns: m),
            targetIndices: withIndices ? [Int](repeating: 0, count: rows) : [])
        if pool > 0 { batch.extraNegatives = Matrix(rows: pool, columns: m) }
        return batch
    }

    /// Fills a batch with `rows` (indices into the training pairs) and calls `body` with it.
    mutating func fill<R>(_ rows: ArraySlice<Int>, _ body: (PairBatch<Float>) throws(AlignmentError) -> R)
        throws(AlignmentError) -> R
    {
        if rows.count == full.count {
            Self.copy(rows, sources, targets, withIndices, pool, &drawer, into: &full)
            return try body(full)
        }
        if short?.count != rows.count {
            short = Self.buffer(
                rows: rows.count, p: sources.columns, m: targets.columns, withIndices: withIndices, pool: pool)
        }
        Self.copy(rows, sources, targets, withIndices, pool, &drawer, into: &short!)
        return try body(short!)
    }

    private static func copy(
        _ rows: ArraySlice<Int>, _ sources: RowSelection, _ targets: Matrix, _ withIndices: Bool, _ pool: Int,
        _ drawer: inout PoolDrawer?, into batch: inout PairBatch<Float>
    ) {
        let m = targets.columns
        batch.sources.withUnsafeMutableBufferPointer { sources.copyRows(rows, into: $0.baseAddress!) }
        targets.withUnsafeBufferPointer { src in
            batch.targets.withUnsafeMutableBufferPointer { dst in
                for (k, row) in rows.enumerated() {
                    (dst.baseAddress! + k * m).update(from: src.baseAddress! + row * m, count: m)
                }
            }
        }
        if withIndices {
            for (k, row) in rows.enumerated() { batch.targetIndices[k] = row }
        }
        if pool > 0 {
            let drawn = drawer!.draw(pool, excluding: rows)
            targets.withUnsafeBufferPointer { src in
                batch.extraNegatives.withUnsafeMutableBufferPointer { dst in
                    for (k, row) in drawn.enumerated() {
                        (dst.baseAddress! + k * m).update(from: src.baseAddress! + row * m, count: m)
                    }
                }
            }
        }
    }
}
