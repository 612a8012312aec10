import LinearAlgebra

/// InfoNCE (contrastive cross-entropy) of normalized mapped sources against unit targets.
///
/// With u_i = W x_i + b, z_i = u_i / ||u_i|| and candidate targets t_1..t_c (unit rows), the logits are
/// l_ij = <z_i, t_j> / tau and the row loss is L_r = -(1/B) sum_i log softmax_j(l_i)[pos(i)],
/// pos(i) the candidate that is pair i's own target. Candidates are the batch's targets
/// (``Negatives/inBatch``, pos(i) = i; plus the batch's ``PairBatch/extraNegatives`` after them when
/// it has any) or every alignment target (``Negatives/allTargets(_:)``,
/// one `B x n` gemm; pos(i) = `batch.targetIndices[i]`).
/// The optional symmetric term is the column-wise loss over the batch's own targets,
/// L_c = -(1/B) sum_j log softmax_i(l_{i,pos(j)})[j]; then L = (L_r + L_c) / 2 (as CLIP).
///
/// Gradient, all as gemms (DESIGN.md):
/// - dL/dl = (P - E) / B, P the row softmax, E the one-hot of the positives (halved and plus
///   (P^c - I) / (2B) on the positive columns when symmetric, P^c the column softmax);
/// - dL/dZ = (1/tau) dL/dl T;
/// - dL/dU_i = (dL/dz_i - z_i <z_i, dL/dz_i>) / ||u_i||;
/// - dL/dW = dL/dU^T X, dL/db = sum_i dL/dU_i.
public struct InfoNCELoss<Scalar: BLASScalar>: AlignmentLoss, Sendable {
    /// Which targets compete with each pair's own target.
    public enum Negatives: Sendable, Hashable {
        /// The other targets of the same batch.
        case inBatch
        /// Every alignment target (`n x m`, unit rows); batches must carry `targetIndices` into it.
        case allTargets(DenseMatrix<Scalar>)
    }

    /// tau > 0: the softmax temperature (default 0.05).
    public var temperature: Scalar
    public var negatives: Negatives
    /// Adds the column-wise (target-to-source) term.
    public var symmetric: Bool

    /// Set by ``forwardValue(map:batch:)``: stop once the value is known.
    private var forwardOnly = false
    private var u: [Scalar] = []
    private var z: [Scalar] = []
    private var norms: [Scalar] = []
    private var logits: [Scalar] = []
    private var probabilities: [Scalar] = []

    /// Throws ``AlignmentError/invalidParameter(name:value:reason:)`` for a temperature that is
    /// not finite and positive.
    public init(temperature: Scalar = 0.05, negatives: Negatives = .inBatch, symmetric: Bool = false)
        throws(AlignmentError)
    {
        guard temperature.isFinite, temperature > 0 else {
            throw .invalidParameter(name: "temperature", value: "\(temperature)", reason: "must be finite and > 0")
        }
        self.temperature = temperature
        self.negatives = negatives
        self.symmetric = symmetric
    }

    /// - Complexity: O(B (p m + c m)) in four gemms (six with a pool), c = B (+ K, in-batch with a pool of K) or n (all targets).
    public mutating func valueAndGradient(
        map: AffineMap<Scalar>, batch: PairBatch<Scalar>, into gradient: inout MapGradient<Scalar>
    ) throws(AlignmentError) -> Scalar {
        try validate(batch, for: map, operation: "InfoNCELoss")
        let rows = batch.count, p = map.sourceDimension, m = map.targetDimension
        let candidates: DenseMatrix<Scalar>
        var positives: [Int]? = nil  // nil: pos(i) = i
        var extra: DenseMatrix<Scalar>? = nil  // candidates after the batch's own (a drawn pool)
        switch negatives {
        case .inBatch:
            candidates = batch.targets
            if batch.extraNegatives.rows > 0 {
                guard batch.extraNegatives.columns == m else {
                    throw .shapeMismatch(
                        operation: "InfoNCELoss", expected: "extra negatives of \(m) values",
                        got: "\(batch.extraNegatives.shape)")
                }
                extra = batch.extraNegatives
            }
        case .allTargets(let all):
            guard all.columns == m else {
                throw .shapeMismatch(
                    operation: "InfoNCELoss", expected: "candidate rows of \(m) values",
                    got: "\(all.shape)")
            }
            guard batch.targetIndices.count == rows, batch.targetIndices.allSatisfy({ $0 >= 0 && $0 < all.rows })
            else {
                throw .invalidParameter(
                    name: "targetIndices", value: "\(batch.targetIndices.count) indices",
                    reason: "global negatives need each pair's row among \(all.rows) targets")
            }
            candidates = all
            positives = batch.targetIndices
        }
        let own = candidates.rows, c = own + (extra?.rows ?? 0)
        reserve(&u, rows * m)
        reserve(&z, rows * m)
        reserve(&norms, rows)
        reserve(&logits, rows * c)
        reserve(&probabilities, rows * c)
        let tau = temperature, symmetric = symmetric, forwardOnly = forwardOnly
        let loss: Scalar = try batch.sources.storage.withUnsafeBufferPointer { (px) throws(AlignmentError) -> Scalar in
            let x = px.baseAddress!
            return try candidates.storage.withUnsafeBufferPointer { (pt) throws(AlignmentError) -> Scalar in
                let t = pt.baseAddress!
                return try withBuffers { (u, z, norms, l, prob) throws(AlignmentError) -> Scalar in
                    map.forward(x: x, rows: rows, into: u)
                    try normalizeRows(u, rows: rows, m: m, into: z, norms: norms)
                    // l = Z T^T / tau (the pool's columns after the batch's own)
                    BLAS.gemm(
                        .none, .transposed, m: rows, n: own, k: m, alpha: 1 / tau, a: z, lda: m, b: t, ldb: m,
                        c: l, ldc: c)
                    extra?.storage.withUnsafeBufferPointer { pe in
                        BLAS.gemm(
                            .none, .transposed, m: rows, n: c - own, k: m, alpha: 1 / tau, a: z, lda: m,
                            b: pe.baseAddress!, ldb: m, c: l + own, ldc: c)
                    }
                    let pos = { (i: Int) in positives?[i] ?? i }
                    let scale = 1 / Scalar(rows) * (symmetric ? Scalar(0.5) : 1)
                    // Row softmax into prob; G = (P - E) * scale, written into prob.
                    var rowLoss: Scalar = 0
                    for i in 0..<rows {
                        let li = l + i * c, pi = prob + i * c
                        var top = li[0]
                        for j in 1..<c where li[j] > top { top = li[j] }
                        for j in 0..<c { pi[j] = li[j] - top }
                        expInPlace(pi, count: c)
                        var sum: Scalar = 0
                        for j in 0..<c { sum += pi[j] }
                        rowLoss += naturalLog(sum) + top - li[pos(i)]
                        let factor = scale / sum
                        for j in 0..<c { pi[j] *= factor }
                        pi[pos(i)] -= scale
                    }
                    var value = rowLoss / Scalar(rows)
                    if symmetric {
                        // Column softmax over the B x B block of positive columns; one column at a time.
                        var columnLoss: Scalar = 0
                        for j in 0..<rows {
                            let col = pos(j)
                            var top = l[col]
                            for i in 1..<rows where l[i * c + col] > top { top = l[i * c + col] }
                            var sum: Scalar = 0
                            for i in 0..<rows { sum += naturalExp(l[i * c + col] - top) }
                            columnLoss += naturalLog(sum) + top - l[j * c + col]
                            for i in 0..<rows {
                                let pc = naturalExp(l[i * c + col] - top) / sum
                                prob[i * c + col] += scale * (pc - (i == j ? 1 : 0))
                            }
                        }
                        value = (value + columnLoss / Scalar(rows)) / 2
                    }
                    guard value.isFinite else { throw .nonFinite(what: "InfoNCE loss") }
                    if forwardOnly { return value }
                    // dZ = (1/tau) G T, into u (free after normalization); then back through the norm.
                    BLAS.gemm(
                        .none, .none, m: rows, n: m, k: own, alpha: 1 / tau, a: prob, lda: c, b: t, ldb: m,
                        c: u, ldc: m)
                    extra?.storage.withUnsafeBufferPointer { pe in
                        BLAS.gemm(
                            .none, .none, m: rows, n: m, k: c - own, alpha: 1 / tau, a: prob + own, lda: c,
                            b: pe.baseAddress!, ldb: m, beta: 1, c: u, ldc: m)
                    }
                    normalizationBackward(z: z, norms: norms, rows: rows, m: m, gradient: u)
                    affineBackward(du: u, x: x, rows: rows, p: p, m: m, into: &gradient)
                    return value
                }
            }
        }
        return loss
    }

    /// The loss alone, without the backward pass (half the work: the held-out measure of every epoch).
    /// Equals the value ``valueAndGradient(map:batch:into:)`` returns.
    mutating func forwardValue(map: AffineMap<Scalar>, batch: PairBatch<Scalar>) throws(AlignmentError) -> Scalar {
        forwardOnly = true
        defer { forwardOnly = false }
        var unused = MapGradient<Scalar>(source: 0, target: 0)  // never written: the backward pass is skipped
        return try valueAndGradient(map: map, batch: batch, into: &unused)
    }

    private mutating func withBuffers<R>(
        _ body: (
            UnsafeMutablePointer<Scalar>, UnsafeMutablePointer<Scalar>, UnsafeMutablePointer<Scalar>,
            UnsafeMutablePointer<Scalar>, UnsafeMutablePointer<Scalar>
        ) throws(AlignmentError) -> R
    ) throws(AlignmentError) -> R {
        try u.withUnsafeMutableBufferPointer { (u) throws(AlignmentError) -> R in
            try z.withUnsafeMutableBufferPointer { (z) throws(AlignmentError) -> R in
                try norms.withUnsafeMutableBufferPointer { (n) throws(AlignmentError) -> R in
                    try logits.withUnsafeMutableBufferPointer { (l) throws(AlignmentError) -> R in
                        try probabilities.withUnsafeMutableBufferPointer { (pr) throws(AlignmentError) -> R in
                            try body(u.baseAddress!, z.baseAddress!, n.baseAddress!, l.baseAddress!, pr.baseAddress!)
                        }
                    }
                }
            }
        }
    }
}
