import LinearAlgebra

/// The map f(x) = W x + b from a query model's space (dimension p) into an index model's
/// space (dimension m): `weight` is `m x p`, `bias` has `m` entries.
///
/// Rows of a data matrix are vectors, so mapping a batch `X` (`n x p`) is `X W^T + 1 b^T`
/// (one gemm). Scoring uses the direction only: `normalize(W x + b)` against unit index rows.
public struct AffineMap<Scalar: BLASScalar>: Sendable, Hashable {
    /// `m x p`, row-major.
    public var weight: DenseMatrix<Scalar>
    /// `m` entries.
    public var bias: [Scalar]
    /// The family the weight belongs to; training projects back onto it after each step.
    public var family: MapFamily

    /// p: the dimension of the query (source) model.
    public var sourceDimension: Int { weight.columns }
    /// m: the dimension of the index (target) model.
    public var targetDimension: Int { weight.rows }

    /// A map from its parts. Throws when `bias.count != weight.rows` or an entry is not finite.
    public init(weight: DenseMatrix<Scalar>, bias: [Scalar], family: MapFamily = .linear) throws(AlignmentError) {
        guard bias.count == weight.rows else {
            throw .shapeMismatch(
                operation: "AffineMap", expected: "bias of \(weight.rows) entries",
                got: "\(bias.count)")
        }
        guard weight.rows > 0, weight.columns > 0 else { throw .empty(what: "map weight \(weight.shape)") }
        guard allFinite(weight) else { throw .nonFinite(what: "map weight") }
        guard allFinite(bias) else { throw .nonFinite(what: "map bias") }
        self.weight = weight
        self.bias = bias
        self.family = family
    }

    /// The rectangular identity (truncate when p > m, zero-pad when p < m) with zero bias.
    /// It has orthonormal rows or columns, so it belongs to both families.
    public static func identity(source p: Int, target m: Int, family: MapFamily = .linear) -> AffineMap {
        precondition(p > 0 && m > 0, "dimensions must be positive")
        return AffineMap(
            unchecked: .identity(rows: m, columns: p), bias: [Scalar](repeating: 0, count: m),
            family: family)
    }

    /// PyTorch's default `nn.Linear` start (ERA's published code): every weight and bias entry
    /// uniform in `[-1/sqrt(p), 1/sqrt(p)]`, drawn from `generator` row by row.
    public static func random(source p: Int, target m: Int, using generator: inout SplitMix64) -> AffineMap {
        precondition(p > 0 && m > 0, "dimensions must be positive")
        let bound = 1 / Double(p).squareRoot()
        let draw = { (g: inout SplitMix64) in Scalar((2 * g.nextUnit() - 1) * bound) }
        var weight = DenseMatrix<Scalar>(rows: m, columns: p)
        for i in 0..<weight.count { weight.storage[i] = draw(&generator) }
        let bias = (0..<m).map { _ in draw(&generator) }
        return AffineMap(unchecked: weight, bias: bias, family: .linear)
    }

    /// Puts W back into its family: for ``MapFamily/orthogonal``, the nearest matrix with orthonormal
    /// rows or columns (the polar factor of W, one SVD); for ``MapFamily/linear``, nothing.
    /// Training calls it after every optimizer step (a retraction onto the constraint set).
    /// - Complexity: O(m p min(m, p)) for the orthogonal family.
    public mutating func projectOntoFamily() throws(AlignmentError) {
        guard family == .orthogonal else { return }
        let w = weight
        weight = try wrapLinearAlgebra { () throws(LinearAlgebraError) in try w.polarFactor() }
    }

    init(unchecked weight: DenseMatrix<Scalar>, bias: [Scalar], family: MapFamily) {
        self.weight = weight
        self.bias = bias
        self.family = family
    }

    /// The same map in another precision.
    public func converted<Other: BLASScalar>(to: Other.Type = Other.self) -> AffineMap<Other> {
        AffineMap<Other>(unchecked: weight.converted(to: Other.self), bias: bias.map { Other($0) }, family: family)
    }

    /// `X W^T + 1 b^T`: every row of `x` (`n x p`) mapped, not normalized (`n x m`).
    /// - Complexity: O(`n * p * m`), one gemm.
    public func apply(to x: DenseMatrix<Scalar>) throws(AlignmentError) -> DenseMatrix<Scalar> {
        guard x.columns == sourceDimension else {
            throw .shapeMismatch(
                operation: "AffineMap.apply", expected: "rows of \(sourceDimension) values",
                got: "\(x.shape)")
        }
        var out = DenseMatrix<Scalar>(rows: x.rows, columns: targetDimension)
        x.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { po in
                forward(x: px.baseAddress!, rows: x.rows, into: po.baseAddress!)
            }
        }
        return out
    }

    /// `normalize(X W^T + 1 b^T)`: mapped rows scaled to unit length, ready to score against an index.
    /// A row that maps to the zero vector stays zero (it scores 0 against every document).
    /// - Complexity: O(`n * p * m`).
    public func applyNormalized(to x: DenseMatrix<Scalar>) throws(AlignmentError) -> DenseMatrix<Scalar> {
        try applyNormalizedWithNorms(to: x).mapped
    }

    /// ``applyNormalized(to:)`` and each mapped row's length before it was scaled (0 for a row that
    /// maps to the zero vector).
    /// - Complexity: O(`n * p * m`).
    public func applyNormalizedWithNorms(to x: DenseMatrix<Scalar>) throws(AlignmentError)
        -> (mapped: DenseMatrix<Scalar>, norms: [Scalar])
    {
        var out = try apply(to: x)
        var norms = [Scalar](repeating: 0, count: x.rows)
        let m = targetDimension
        out.withUnsafeMutableBufferPointer { po in
            for i in 0..<x.rows {
                let row = po.baseAddress! + i * m
                let norm = BLAS.nrm2(UnsafePointer(row), count: m)
                norms[i] = norm
                if norm > 0 { BLAS.scal(count: m, alpha: 1 / norm, x: row) }
            }
        }
        return (out, norms)
    }

    /// Raw form of ``apply(to:)``: `u = X W^T + 1 b^T` for `rows` contiguous rows of `x` into `u`
    /// (`rows x m`, contiguous). The buffers belong to the caller (training reuses them).
    public func forward(x: UnsafePointer<Scalar>, rows: Int, into u: UnsafeMutablePointer<Scalar>) {
        let m = targetDimension, p = sourceDimension
        bias.withUnsafeBufferPointer { pb in
            for i in 0..<rows { (u + i * m).update(from: pb.baseAddress!, count: m) }
        }
        weight.withUnsafeBufferPointer { pw in
            BLAS.gemm(
                .none, .transposed, m: rows, n: m, k: p, a: x, lda: p, b: pw.baseAddress!, ldb: p,
                beta: 1, c: u, ldc: m)
        }
    }
}

extension AffineMap {
    /// (1 - t) `start` + t `end`, weight and bias alike: weight-space ensembling of two maps of one shape.
    /// The result is a linear map (an interpolation of two rotations is not a rotation).
    /// - Precondition: both maps have the same shape.
    /// - Complexity: O(m p).
    public static func interpolating(from start: AffineMap, to end: AffineMap, t: Scalar) throws(AlignmentError)
        -> AffineMap
    {
        precondition(start.weight.shape == end.weight.shape, "interpolating maps of different shapes")
        let weight = (1 - t) * start.weight + t * end.weight
        let bias = zip(start.bias, end.bias).map { (1 - t) * $0 + t * $1 }
        return try AffineMap(weight: weight, bias: bias)
    }

    /// The mean of `maps`, weight and bias alike: an average of affine maps is affine (a mean of rotations
    /// is no rotation). Sums in Double so that the order of the maps changes no bit that matters.
    /// - Precondition: at least one map; all of one shape.
    /// - Complexity: O(k m p) for k maps.
    public static func averaging(_ maps: [AffineMap]) throws(AlignmentError) -> AffineMap {
        precondition(!maps.isEmpty, "averaging no maps")
        let shape = maps[0].weight.shape
        precondition(maps.allSatisfy { $0.weight.shape == shape }, "averaging maps of different shapes")
        let n = Double(maps.count)
        var weight = DenseMatrix<Scalar>(rows: maps[0].weight.rows, columns: maps[0].weight.columns)
        for i in 0..<weight.rows {
            for j in 0..<weight.columns {
                weight[i, j] = Scalar(maps.reduce(0.0) { $0 + Double($1.weight[i, j]) } / n)
            }
        }
        let bias = maps[0].bias.indices.map { i in Scalar(maps.reduce(0.0) { $0 + Double($1.bias[i]) } / n) }
        return try AffineMap(weight: weight, bias: bias)
    }
}
