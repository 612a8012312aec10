import LinearAlgebra

/// ERA's published objective (the paper's code): cosine regression of each mapped source onto its
/// own target, L = (1/B) sum_i (1 - <z_i, t_i>), z_i = (W x_i + b) / ||W x_i + b||, t_i a unit target.
///
/// Gradient: dL/dz_i = -t_i / B; dL/du_i = (dL/dz_i - z_i <z_i, dL/dz_i>) / ||u_i||;
/// dL/dW = dL/dU^T X, dL/db = sum_i dL/du_i. No negatives: it pulls pairs together without pushing
/// other texts apart.
public struct CosineLoss<Scalar: BLASScalar>: AlignmentLoss, Sendable {
    private var u: [Scalar] = []
    private var z: [Scalar] = []
    private var norms: [Scalar] = []

    public init() {}

    /// - Complexity: O(B p m), two gemms.
    public mutating func valueAndGradient(
        map: AffineMap<Scalar>, batch: PairBatch<Scalar>, into gradient: inout MapGradient<Scalar>
    ) throws(AlignmentError) -> Scalar {
        try validate(batch, for: map, operation: "CosineLoss")
        let rows = batch.count, p = map.sourceDimension, m = map.targetDimension
        reserve(&u, rows * m)
        reserve(&z, rows * m)
        reserve(&norms, rows)
        return try batch.sources.storage.withUnsafeBufferPointer { (px) throws(AlignmentError) -> Scalar in
            try batch.targets.storage.withUnsafeBufferPointer { (pt) throws(AlignmentError) -> Scalar in
                try u.withUnsafeMutableBufferPointer { (pu) throws(AlignmentError) -> Scalar in
                    try z.withUnsafeMutableBufferPointer { (pz) throws(AlignmentError) -> Scalar in
                        try norms.withUnsafeMutableBufferPointer { (pn) throws(AlignmentError) -> Scalar in
                            let x = px.baseAddress!, t = pt.baseAddress!
                            let u = pu.baseAddress!, z = pz.baseAddress!, norms = pn.baseAddress!
                            map.forward(x: x, rows: rows, into: u)
                            try normalizeRows(u, rows: rows, m: m, into: z, norms: norms)
                            var cosineSum: Scalar = 0
                            let scale = -1 / Scalar(rows)
                            for i in 0..<rows {
                                cosineSum += BLAS.dot(z + i * m, t + i * m, count: m)
                                let gi = u + i * m, ti = t + i * m
                                for j in 0..<m { gi[j] = scale * ti[j] }
                            }
                            let value = 1 - cosineSum / Scalar(rows)
                            guard value.isFinite else { throw .nonFinite(what: "cosine loss") }
                            normalizationBackward(z: z, norms: norms, rows: rows, m: m, gradient: u)
                            affineBackward(du: u, x: x, rows: rows, p: p, m: m, into: &gradient)
                            return value
                        }
                    }
                }
            }
        }
    }
}
