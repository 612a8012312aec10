import LinearAlgebra

/// The trainable parameters of a stage-two map family and the map they define around the
/// stage-one map f1(x) = W1 x + b1.
///
/// Parameters are stored as ``AffineMap`` values so the stage-one ``AdamOptimizer`` updates them
/// unchanged; all start at zero (except the low-rank family's V), where the effective map is f1.
/// - linear: one parameter (Delta, delta); W = W1 + Delta, b = b1 + delta.
/// - rotation: one parameter (A, unused zero bias), A skew-symmetric (m x m);
///   R = (I + A)^{-1} (I - A) is in SO(m) for every skew A (the Cayley transform: orthogonal, and
///   det R = +1 because no eigenvalue of R is -1), W = R W1, b = R b1.
/// - low-rank: (U, delta) with U m x r, and (V, unused) with V r x p; W = W1 + U V, b = b1 + delta.
///
/// Gradients w.r.t. the effective (W, b) are pulled back to the parameters by ``pullback(_:)``:
/// - linear: unchanged;
/// - rotation: G_R = dW W1^T + db b1^T; with M = (I + A)^{-1}, dR = -2 M dA M, so
///   dL/dA = skew(-2 M^T G_R M^T), skew(K) = (K - K^T) / 2 (the gradient within skew matrices);
/// - low-rank: dU = dW V^T, dV = U^T dW, ddelta = db.
public struct AdaptMapParameters<Scalar: BLASScalar>: Sendable {
    public let family: AdaptMapFamily
    public let stageOne: AffineMap<Scalar>
    /// The parameters, in the order listed above; set them, then call ``refresh()``.
    public var parameters: [AffineMap<Scalar>]
    /// The map the parameters define (valid after ``refresh()``).
    public private(set) var effective: AffineMap<Scalar>
    /// R for the rotation family (valid after ``refresh()``), nil otherwise.
    public private(set) var rotation: DenseMatrix<Scalar>?
    /// (I + A)^{-1} in Double, kept for the pullback.
    private var cayleyInverse: MatrixD?

    /// Parameters at stage one. `generator` draws the low-rank family's V (entries N(0, 1/p) x 0.1).
    public init(family: AdaptMapFamily, stageOne: AffineMap<Scalar>, generator: inout SplitMix64)
    throws(AlignmentError) {
        let m = stageOne.targetDimension, p = stageOne.sourceDimension
        switch family {
        case .linear:
            parameters = [AffineMap(unchecked: DenseMatrix(rows: m, columns: p), bias: zeros(m), family: .linear)]
        case .rotation:
            parameters = [AffineMap(unchecked: DenseMatrix(rows: m, columns: m), bias: zeros(m), family: .linear)]
        case .lowRank(let rank):
            guard rank > 0 else { throw .invalidParameter(name: "rank", value: "\(rank)", reason: "must be > 0") }
            var v = DenseMatrix<Scalar>(rows: rank, columns: p)
            let scale = 0.1 / Double(p).squareRoot()
            for k in 0..<v.count { v.storage[k] = Scalar(scale * generator.nextNormal()) }
            parameters = [AffineMap(unchecked: DenseMatrix(rows: m, columns: rank), bias: zeros(m), family: .linear),
                          AffineMap(unchecked: v, bias: zeros(rank), family: .linear)]
        }
        self.family = family
        self.stageOne = stageOne
        effective = stageOne
        try refresh()
    }

    /// Recomputes ``effective`` (and R) from ``parameters``.
    /// - Complexity: linear O(m p); rotation O(m^3 + m^2 p) (one LU inverse, two gemms); low-rank O(m r p).
    public mutating func refresh() throws(AlignmentError) {
        let w1 = stageOne.weight, b1 = stageOne.bias
        switch family {
        case .linear:
            let delta = parameters[0]
            effective = AffineMap(unchecked: w1 + delta.weight, bias: zip(b1, delta.bias).map { $0 + $1 },
                                  family: .linear)
        case .rotation:
            let a = skewPart(parameters[0].weight.converted(to: Double.self))
            let m = a.rows
            let identity = MatrixD.identity(m)
            let (inverse, r) = try wrapLinearAlgebra { () throws(LinearAlgebraError) -> (MatrixD, MatrixD) in
                let inverse = try (identity + a).inverse()
                return (inverse, try MatrixD.multiply(inverse, identity - a))
            }
            let rotation = r.converted(to: Scalar.self)
            let weight = try wrapLinearAlgebra { () throws(LinearAlgebraError) in
                try MatrixD.multiply(r, w1.converted(to: Double.self))
            }
            let bias = r.multiplied(by: b1.map { Double($0) })
            cayleyInverse = inverse
            self.rotation = rotation
            effective = AffineMap(unchecked: weight.converted(to: Scalar.self), bias: bias.map { Scalar($0) },
                                  family: stageOne.family)
        case .lowRank:
            let (up, down) = (parameters[0], parameters[1])
            var weight = w1
            try wrapLinearAlgebra { () throws(LinearAlgebraError) in try weight.addProduct(up.weight, down.weight) }
            effective = AffineMap(unchecked: weight, bias: zip(b1, up.bias).map { $0 + $1 }, family: .linear)
        }
    }

    /// dL/d(parameters) from dL/d(effective W, b), one gradient per parameter (call after ``refresh()``).
    /// - Complexity: as ``refresh()``.
    public func pullback(_ gradient: MapGradient<Scalar>) throws(AlignmentError) -> [MapGradient<Scalar>] {
        switch family {
        case .linear:
            return [gradient]
        case .rotation:
            let m = stageOne.targetDimension
            let inverse = cayleyInverse!
            let gA = try wrapLinearAlgebra { () throws(LinearAlgebraError) -> MatrixD in
                // G_R = dW W1^T + db b1^T (m x m)
                var gR = try MatrixD.multiply(gradient.weight.converted(to: Double.self),
                                              stageOne.weight.converted(to: Double.self), transB: .transposed)
                let db = gradient.bias.map { Double($0) }, b1 = stageOne.bias.map { Double($0) }
                for i in 0..<m { for j in 0..<m { gR[i, j] += db[i] * b1[j] } }
                let left = try MatrixD.multiply(inverse, gR, transA: .transposed)
                return skewPart(try MatrixD.multiply(left, inverse, transB: .transposed, alpha: -2))
            }
            var out = MapGradient<Scalar>(source: m, target: m)
            out.weight = gA.converted(to: Scalar.self)
            return [out]
        case .lowRank:
            let (up, down) = (parameters[0], parameters[1])
            return try wrapLinearAlgebra { () throws(LinearAlgebraError) -> [MapGradient<Scalar>] in
                var gUp = MapGradient<Scalar>(like: up), gDown = MapGradient<Scalar>(like: down)
                gUp.weight = try DenseMatrix.multiply(gradient.weight, down.weight, transB: .transposed)
                gUp.bias = gradient.bias
                gDown.weight = try DenseMatrix.multiply(up.weight, gradient.weight, transA: .transposed)
                return [gUp, gDown]
            }
        }
    }
}

/// (K - K^T) / 2.
func skewPart(_ k: MatrixD) -> MatrixD {
    precondition(k.rows == k.columns, "skew part of a non-square matrix")
    var out = k
    for i in 0..<k.rows {
        out[i, i] = 0
        for j in (i + 1)..<max(i + 1, k.columns) {
            let value = (k[i, j] - k[j, i]) / 2
            out[i, j] = value
            out[j, i] = -value
        }
    }
    return out
}

private func zeros<S: BLASScalar>(_ count: Int) -> [S] { [S](repeating: 0, count: count) }

extension DenseMatrix where Scalar == Double {
    /// `self * v` (rows x columns times columns).
    func multiplied(by v: [Double]) -> [Double] {
        precondition(v.count == columns, "vector length differs from the column count")
        var out = [Double](repeating: 0, count: rows)
        withUnsafeBufferPointer { a in
            v.withUnsafeBufferPointer { x in
                out.withUnsafeMutableBufferPointer { y in
                    BLAS.gemv(.none, rows: rows, columns: columns, alpha: 1, a: a.baseAddress!, lda: columns,
                              x: x.baseAddress!, beta: 0, y: y.baseAddress!)
                }
            }
        }
        return out
    }
}
