import LinearAlgebra

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
