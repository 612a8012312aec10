import LinearAlgebra

/// Mean squared error of the raw mapped vectors, L = (1/B) sum_i ||W x_i + b - t_i||^2
/// (the least-squares objective Procrustes solves over its constraint set, per row).
///
/// Gradient: dL/du_i = 2 (u_i - t_i) / B; dL/dW = dL/dU^T X, dL/db = sum_i dL/du_i.
/// It matches lengths as well as directions, so targets should be on the scale the map is meant
/// to reproduce (unit rows for a normalized index).
public struct MSELoss<Scalar: BLASScalar>: AlignmentLoss, Sendable {
    private var u: [Scalar] = []

    public init() {}

    /// - Complexity: O(B p m), two gemms.
    public mutating func valueAndGradient(
        map: AffineMap<Scalar>, batch: PairBatch<Scalar>, into gradient: inout MapGradient<Scalar>
    ) throws(AlignmentError) -> Scalar {
        try validate(batch, for: map, operation: "MSELoss")
        let rows = batch.count, p = map.sourceDimension, m = map.targetDimension
        reserve(&u, rows * m)
        return try batch.sources.storage.withUnsafeBufferPointer { (px) throws(AlignmentError) -> Scalar in
            try batch.targets.storage.withUnsafeBufferPointer { (pt) throws(AlignmentError) -> Scalar in
                try u.withUnsafeMutableBufferPointer { (pu) throws(AlignmentError) -> Scalar in
                    let x = px.baseAddress!, t = pt.baseAddress!, u = pu.baseAddress!
                    map.forward(x: x, rows: rows, into: u)
                    var sum: Scalar = 0
                    let scale = 2 / Scalar(rows)
                    for k in 0..<(rows * m) {
                        let r = u[k] - t[k]
                        sum += r * r
                        u[k] = scale * r
                    }
                    let value = sum / Scalar(rows)
                    guard value.isFinite else { throw .nonFinite(what: "MSE loss") }
                    affineBackward(du: u, x: x, rows: rows, p: p, m: m, into: &gradient)
                    return value
                }
            }
        }
    }
}
