import LinearAlgebra

/// A batch of aligned pairs: row i of `sources` (query model, `B x p`) and row i of `targets`
/// (index model, `B x m`) embed the same text.
///
/// Targets are expected to be unit rows (the trainer normalizes them once): the losses compare
/// directions, as retrieval against a normalized index does.
public struct PairBatch<Scalar: BLASScalar>: Sendable, Hashable {
    /// `B x p`.
    public var sources: DenseMatrix<Scalar>
    /// `B x m`.
    public var targets: DenseMatrix<Scalar>
    /// For each pair, the row of its target in the loss's candidate set (``InfoNCELoss/Negatives/allTargets(_:)``);
    /// empty when the loss does not need it.
    public var targetIndices: [Int]
    /// Extra candidate targets (unit rows, `K x m`) that InfoNCE with in-batch negatives adds after the
    /// batch's own: a pool drawn for this batch (``AlignmentConfiguration/Negatives/pooled``). 0 rows: none.
    public var extraNegatives: DenseMatrix<Scalar> = DenseMatrix(rows: 0, columns: 0)

    /// Throws when the row counts differ or the batch is empty.
    public init(sources: DenseMatrix<Scalar>, targets: DenseMatrix<Scalar>, targetIndices: [Int] = [])
        throws(AlignmentError)
    {
        guard sources.rows == targets.rows else {
            throw .shapeMismatch(
                operation: "PairBatch", expected: "\(sources.rows) target rows",
                got: "\(targets.rows)")
        }
        guard sources.rows > 0 else { throw .empty(what: "batch") }
        guard targetIndices.isEmpty || targetIndices.count == sources.rows else {
            throw .shapeMismatch(
                operation: "PairBatch", expected: "\(sources.rows) target indices",
                got: "\(targetIndices.count)")
        }
        self.sources = sources
        self.targets = targets
        self.targetIndices = targetIndices
    }

    /// B, the number of pairs.
    public var count: Int { sources.rows }
}

/// A differentiable training objective of an ``AffineMap`` on a batch of pairs.
///
/// Conformers keep their scratch buffers between calls (hence `mutating`), so a training step
/// allocates nothing once the largest batch has been seen. Every conformer's gradient is checked
/// against central finite differences in Double (AlignmentTests).
public protocol AlignmentLoss<Scalar>: Sendable {
    associatedtype Scalar: BLASScalar

    /// The mean loss over the batch; `gradient` is overwritten with dL/dW and dL/db.
    /// - Throws: shape mismatches, a mapped row of zero norm, non-finite values.
    mutating func valueAndGradient(
        map: AffineMap<Scalar>, batch: PairBatch<Scalar>, into gradient: inout MapGradient<Scalar>
    ) throws(AlignmentError) -> Scalar
}

extension AlignmentLoss {
    /// The mean loss and a freshly allocated gradient (convenient outside hot loops).
    public mutating func valueAndGradient(
        map: AffineMap<Scalar>, batch: PairBatch<Scalar>
    ) throws(AlignmentError) -> (value: Scalar, gradient: MapGradient<Scalar>) {
        var gradient = MapGradient(like: map)
        let value = try valueAndGradient(map: map, batch: batch, into: &gradient)
        return (value, gradient)
    }

    /// The mean loss alone.
    public mutating func value(map: AffineMap<Scalar>, batch: PairBatch<Scalar>) throws(AlignmentError) -> Scalar {
        try valueAndGradient(map: map, batch: batch).value
    }
}

/// Checks that `batch` fits `map` (dimensions) and holds only finite values.
func validate<S: BLASScalar>(_ batch: PairBatch<S>, for map: AffineMap<S>, operation: String) throws(AlignmentError) {
    guard batch.sources.columns == map.sourceDimension else {
        throw .shapeMismatch(
            operation: operation, expected: "source rows of \(map.sourceDimension) values",
            got: "\(batch.sources.shape)")
    }
    guard batch.targets.columns == map.targetDimension else {
        throw .shapeMismatch(
            operation: operation, expected: "target rows of \(map.targetDimension) values",
            got: "\(batch.targets.shape)")
    }
}
