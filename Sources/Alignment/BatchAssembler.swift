import LinearAlgebra

/// Copies the rows of one mini-batch into buffers allocated once (one for full batches, one for the
/// short last batch), so an epoch allocates nothing.
struct BatchAssembler {
    let sources: Matrix
    let targets: Matrix
    let withIndices: Bool
    private var full: PairBatch<Float>
    private var short: PairBatch<Float>?

    init(sources: Matrix, targets: Matrix, batchSize: Int, withIndices: Bool) {
        self.sources = sources
        self.targets = targets
        self.withIndices = withIndices
        full = Self.buffer(
            rows: min(batchSize, sources.rows), p: sources.columns, m: targets.columns,
            withIndices: withIndices)
    }

    private static func buffer(rows: Int, p: Int, m: Int, withIndices: Bool) -> PairBatch<Float> {
        // Shapes agree by construction, so this cannot throw.
        try! PairBatch(
            sources: Matrix(rows: rows, columns: p), targets: Matrix(rows: rows, columns: m),
            targetIndices: withIndices ? [Int](repeating: 0, count: rows) : [])
    }

    /// Fills a batch with `rows` (indices into the training pairs) and calls `body` with it.
    mutating func fill<R>(_ rows: ArraySlice<Int>, _ body: (PairBatch<Float>) throws(AlignmentError) -> R)
        throws(AlignmentError) -> R
    {
        if rows.count == full.count {
            Self.copy(rows, from: sources, targets, into: &full, withIndices: withIndices)
            return try body(full)
        }
        if short?.count != rows.count {
            short = Self.buffer(rows: rows.count, p: sources.columns, m: targets.columns, withIndices: withIndices)
        }
        Self.copy(rows, from: sources, targets, into: &short!, withIndices: withIndices)
        return try body(short!)
    }

    private static func copy(
        _ rows: ArraySlice<Int>, from sources: Matrix, _ targets: Matrix,
        into batch: inout PairBatch<Float>, withIndices: Bool
    ) {
        let p = sources.columns, m = targets.columns
        sources.withUnsafeBufferPointer { src in
            batch.sources.withUnsafeMutableBufferPointer { dst in
                for (k, row) in rows.enumerated() {
                    (dst.baseAddress! + k * p).update(from: src.baseAddress! + row * p, count: p)
                }
            }
        }
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
    }
}

/// The held-out pairs and the buffers to measure a map on them: the training loss (batches in
/// fixed order) and the retrieval report.
struct HeldOutSet {
    let sources: Matrix
    let targets: Matrix
    private var batches: BatchAssembler
    private var gradient: MapGradient<Float>?
    let batchSize: Int

    init(sources: Matrix, targets: Matrix, batchSize: Int) {
        self.sources = sources
        self.targets = targets
        self.batchSize = batchSize
        batches = BatchAssembler(sources: sources, targets: targets, batchSize: max(1, batchSize), withIndices: true)
    }

    /// Mean held-out loss (batch losses weighted by size) and the report.
    mutating func measure(_ map: AffineMap<Float>, loss: inout ConfiguredLoss)
        throws(AlignmentError) -> (Double, HeldOutReport)
    {
        if gradient == nil { gradient = MapGradient(like: map) }
        let h = sources.rows
        var sum = 0.0
        for start in stride(from: 0, to: h, by: batchSize) {
            let rows = Array(start..<min(h, start + batchSize))[...]
            let value = try batches.fill(rows) { (batch) throws(AlignmentError) -> Float in
                try loss.valueAndGradient(map: map, batch: batch, into: &gradient!)
            }
            sum += Double(value) * Double(rows.count)
        }
        return (sum / Double(h), try HeldOutReport.measure(map: map, sources: sources, targets: targets))
    }
}
