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

/// Draws distinct target rows uniformly without replacement, none of them in the current batch:
/// rejection against a stamp per row (O(K) per draw while K + B is well below n, which the
/// assembler's cap keeps; the loop ends because at least K rows are outside the batch).
struct PoolDrawer {
    private var stamps: [UInt32]
    private var stamp: UInt32 = 0
    private var generator: SplitMix64
    private var drawn: [Int] = []

    init(count: Int, seed: UInt64) {
        stamps = [UInt32](repeating: 0, count: count)
        generator = SplitMix64(seed: seed, stream: .negatives)
    }

    mutating func draw(_ k: Int, excluding batch: ArraySlice<Int>) -> [Int] {
        stamp &+= 1
        if stamp == 0 {  // wrapped: old stamps could collide
            for i in stamps.indices { stamps[i] = 0 }
            stamp = 1
        }
        for row in batch { stamps[row] = stamp }
        drawn.removeAll(keepingCapacity: true)
        let n = UInt64(stamps.count)
        while drawn.count < k {
            let row = Int(generator.next() % n)
            if stamps[row] != stamp {
                stamps[row] = stamp
                drawn.append(row)
            }
        }
        return drawn
    }
}

/// The held-out pairs and the buffers to measure a map on them: the training loss (batches in
/// fixed order) and the retrieval report (on at most ``HeldOutReport/maximumPairs`` of them).
struct HeldOutSet {
    let sources: RowSelection
    let targets: Matrix
    private var batches: BatchAssembler
    private var gradient: MapGradient<Float>?
    let batchSize: Int

    init(sources: RowSelection, targets: Matrix, batchSize: Int) {
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
        let h = sources.count
        var sum = 0.0
        for start in stride(from: 0, to: h, by: batchSize) {
            let rows = Array(start..<min(h, start + batchSize))[...]
            let value = try batches.fill(rows) { (batch) throws(AlignmentError) -> Float in
                try loss.value(map: map, batch: batch, scratch: &gradient!)
            }
            sum += Double(value) * Double(rows.count)
        }
        return (sum / Double(h), try report(map))
    }

    /// The report on the first ``HeldOutReport/maximumPairs`` held-out pairs (the split is random, so
    /// they are a random subset): its cost grows with the square of the pairs measured.
    func report(_ map: AffineMap<Float>) throws(AlignmentError) -> HeldOutReport {
        let measured = min(sources.count, HeldOutReport.maximumPairs)
        let x = sources.gathered(0..<measured)  // at most maximumPairs rows: a bounded copy
        let y = measured == targets.rows ? targets : targets.gatherRows(0..<measured)
        return try HeldOutReport.measure(map: map, sources: x, targets: y)
    }
}
