import LinearAlgebra

/// A batch of labeled pairs scored against a shared set of candidate documents.
///
/// Row i pairs query `sources` row i with candidate `positives[i]`; `allowed[i * c + j]` says whether
/// candidate j takes part in row i's softmax (its positive always does). Masks let one candidate set
/// serve a whole batch (one gemm) while keeping each query's other labeled positives out of its
/// negatives, and restricting a row to its own negatives when in-batch negatives are off.
public struct CandidateBatch<Scalar: BLASScalar>: Sendable, Hashable {
    /// `B x p` query embeddings.
    public var sources: DenseMatrix<Scalar>
    /// `c x m` unit document vectors.
    public var candidates: DenseMatrix<Scalar>
    /// For each row, its positive's row in `candidates`.
    public var positives: [Int]
    /// `B x c`, row-major.
    public var allowed: [Bool]

    /// Throws on inconsistent sizes, an index out of range or a positive that is not allowed.
    public init(sources: DenseMatrix<Scalar>, candidates: DenseMatrix<Scalar>, positives: [Int], allowed: [Bool])
        throws(AlignmentError)
    {
        let rows = sources.rows, c = candidates.rows
        guard rows > 0, c > 0 else { throw .empty(what: "candidate batch") }
        guard positives.count == rows else {
            throw .shapeMismatch(operation: "CandidateBatch", expected: "\(rows) positives", got: "\(positives.count)")
        }
        guard allowed.count == rows * c else {
            throw .shapeMismatch(operation: "CandidateBatch", expected: "\(rows) x \(c) mask", got: "\(allowed.count)")
        }
        for (i, j) in positives.enumerated() where !(j >= 0 && j < c && allowed[i * c + j]) {
            throw .invalidParameter(name: "positives[\(i)]", value: "\(j)", reason: "must be an allowed candidate row")
        }
        self.sources = sources
        self.candidates = candidates
        self.positives = positives
        self.allowed = allowed
    }

    public var count: Int { sources.rows }
}

/// InfoNCE over each labeled positive and its negatives (stage two's loss).
///
/// With u_i = W x_i + b, z_i = u_i / ||u_i||, candidates t_j (unit rows) and A_i the allowed
/// candidates of row i: l_ij = <z_i, t_j> / tau for j in A_i, and
/// L = -(1/B) sum_i log( exp(l_{i,pos(i)}) / sum_{j in A_i} exp(l_ij) ).
/// The gradient is InfoNCELoss's with the softmax restricted to A_i (DESIGN.md): dL/dl = (P - E) / B
/// with P zero outside A_i; dZ = (1/tau) dL/dl T; back through the normalization and the affine map
/// with the kernels the stage-one losses share.
public struct AdaptContrastiveLoss<Scalar: BLASScalar>: Sendable {
    /// tau > 0.
    public var temperature: Scalar

    private var u: [Scalar] = []
    private var z: [Scalar] = []
    private var norms: [Scalar] = []
    private var logits: [Scalar] = []

    /// Throws for a temperature that is not finite and positive.
    public init(temperature: Scalar = 0.05) throws(AlignmentError) {
        guard temperature.isFinite, temperature > 0 else {
            throw .invalidParameter(name: "temperature", value: "\(temperature)", reason: "must be finite and > 0")
        }
        self.temperature = temperature
    }

    /// The mean loss; `gradient` is overwritten with dL/dW and dL/db.
    /// - Complexity: O(B (p m + c m)) in three gemms plus O(B c) for the masked softmax.
    public mutating func valueAndGradient(
        map: AffineMap<Scalar>, batch: CandidateBatch<Scalar>, into gradient: inout MapGradient<Scalar>
    ) throws(AlignmentError) -> Scalar {
        let rows = batch.count, p = map.sourceDimension, m = map.targetDimension, c = batch.candidates.rows
        guard batch.sources.columns == p, batch.candidates.columns == m else {
            throw .shapeMismatch(
                operation: "AdaptContrastiveLoss", expected: "sources of \(p), candidates of \(m) values",
                got: "\(batch.sources.shape), \(batch.candidates.shape)")
        }
        precondition(gradient.weight.shape == map.weight.shape, "gradient shape differs from the map")
        reserve(&u, rows * m)
        reserve(&z, rows * m)
        reserve(&norms, rows)
        reserve(&logits, rows * c)
        let tau = temperature
        let allowed = batch.allowed, positives = batch.positives
        return try batch.sources.storage.withUnsafeBufferPointer { (px) throws(AlignmentError) -> Scalar in
            try batch.candidates.storage.withUnsafeBufferPointer { (pt) throws(AlignmentError) -> Scalar in
                try withBuffers { (u, z, norms, l) throws(AlignmentError) -> Scalar in
                    let x = px.baseAddress!, t = pt.baseAddress!
                    map.forward(x: x, rows: rows, into: u)
                    try normalizeRows(u, rows: rows, m: m, into: z, norms: norms)
                    BLAS.gemm(
                        .none, .transposed, m: rows, n: c, k: m, alpha: 1 / tau, a: z, lda: m, b: t, ldb: m,
                        c: l, ldc: c)
                    // Masked row softmax; l_i is overwritten with (P_i - e_pos(i)) / B.
                    let scale = 1 / Scalar(rows)
                    var total: Scalar = 0
                    for i in 0..<rows {
                        let li = l + i * c, base = i * c, pos = positives[i]
                        var top = li[pos]
                        for j in 0..<c where allowed[base + j] && li[j] > top { top = li[j] }
                        let positiveLogit = li[pos]
                        for j in 0..<c { li[j] = allowed[base + j] ? li[j] - top : -Scalar.greatestFiniteMagnitude }
                        expInPlace(li, count: c)  // exp of a huge negative is exactly 0
                        var sum: Scalar = 0
                        for j in 0..<c { sum += li[j] }
                        total += naturalLog(sum) + top - positiveLogit
                        let factor = scale / sum
                        for j in 0..<c { li[j] *= factor }
                        li[pos] -= scale
                    }
                    let value = total / Scalar(rows)
                    guard value.isFinite else { throw .nonFinite(what: "stage-two InfoNCE loss") }
                    BLAS.gemm(
                        .none, .none, m: rows, n: m, k: c, alpha: 1 / tau, a: l, lda: c, b: t, ldb: m,
                        c: u, ldc: m)
                    normalizationBackward(z: z, norms: norms, rows: rows, m: m, gradient: u)
                    affineBackward(du: u, x: x, rows: rows, p: p, m: m, into: &gradient)
                    return value
                }
            }
        }
    }

    /// dL/dU (`rows x m`, U = X W^T + b the map's outputs before normalization) of the last
    /// ``valueAndGradient(map:batch:into:)`` call with `rows` rows into `m` dimensions: what a family
    /// whose gradient is low-rank (the rotation, ``AdaptMapParameters/pullback(outputGradient:inputs:)``)
    /// pulls back without forming dL/dW.
    func outputGradient(rows: Int, columns m: Int) -> DenseMatrix<Scalar> {
        precondition(u.count >= rows * m, "no gradient of that shape was computed")
        return DenseMatrix(rows: rows, columns: m, storage: Array(u[0..<(rows * m)]))
    }

    /// The mean loss alone.
    public mutating func value(map: AffineMap<Scalar>, batch: CandidateBatch<Scalar>) throws(AlignmentError) -> Scalar {
        var gradient = MapGradient(like: map)
        return try valueAndGradient(map: map, batch: batch, into: &gradient)
    }

    private mutating func withBuffers<R>(
        _ body: (
            UnsafeMutablePointer<Scalar>, UnsafeMutablePointer<Scalar>, UnsafeMutablePointer<Scalar>,
            UnsafeMutablePointer<Scalar>
        ) throws(AlignmentError) -> R
    ) throws(AlignmentError) -> R {
        try u.withUnsafeMutableBufferPointer { (u) throws(AlignmentError) -> R in
            try z.withUnsafeMutableBufferPointer { (z) throws(AlignmentError) -> R in
                try norms.withUnsafeMutableBufferPointer { (n) throws(AlignmentError) -> R in
                    try logits.withUnsafeMutableBufferPointer { (l) throws(AlignmentError) -> R in
                        try body(u.baseAddress!, z.baseAddress!, n.baseAddress!, l.baseAddress!)
                    }
                }
            }
        }
    }
}
