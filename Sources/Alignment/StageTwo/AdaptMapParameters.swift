import LinearAlgebra

/// The trainable parameters of a stage-two map family and the map they define around the
/// stage-one map f1(x) = W1 x + b1.
///
/// Parameters are stored as ``AffineMap`` values so the stage-one ``AdamOptimizer`` updates them
/// unchanged; all start at zero (except the low-rank family's V), where the map is f1.
/// - linear: one parameter (Delta, delta); W = W1 + Delta, b = b1 + delta.
/// - rotation: one parameter (A, unused zero bias), A skew-symmetric (m x m);
///   R = (I + A)^{-1} (I - A) is in SO(m) for every skew A (the Cayley transform: orthogonal, and
///   det R = +1 because no eigenvalue of R is -1); f(x) = R f1(x), so W = R W1, b = R b1.
/// - low-rank: (U, delta) with U m x r, and (V, unused) with V r x p; W = W1 + U V, b = b1 + delta.
///
/// Training applies ``lossMap`` to ``lossInputs(_:)``: the effective map to the queries for the
/// linear and low-rank families, and (R, 0) to f1(x) for the rotation (m x m work per step instead of
/// m x p). Gradients w.r.t. ``lossMap`` are pulled back to the parameters by ``pullback(_:)``:
/// - linear: unchanged;
/// - rotation: with M = (I + A)^{-1}, dR = -2 M dA M, so dL/dA = skew(-2 M^T G_R M^T),
///   G_R = dL/dR, skew(K) = (K - K^T) / 2 (the gradient within skew matrices);
/// - low-rank: dU = dW V^T, dV = U^T dW, ddelta = db.
public struct AdaptMapParameters<Scalar: BLASScalar>: Sendable {
    public let family: AdaptMapFamily
    public let stageOne: AffineMap<Scalar>
    /// The parameters, in the order listed above; set them, then call ``refresh()``.
    public var parameters: [AffineMap<Scalar>]
    /// The map the loss applies to ``lossInputs(_:)`` (valid after ``refresh()``).
    public private(set) var lossMap: AffineMap<Scalar>
    /// R for the rotation family (valid after ``refresh()``), nil otherwise.
    public private(set) var rotation: DenseMatrix<Scalar>?
    /// M = (I + A)^{-1}, kept for the pullback (computed in Double, stored in the parameters' precision).
    private var cayleyInverse: DenseMatrix<Scalar>?
    /// W1 W1^T (rotation only): the penalty lambda ||(R - I) W1||^2 has gradient 2 lambda (R - I) W1 W1^T.
    private let stageOneGram: DenseMatrix<Scalar>?

    /// Parameters at stage one. `generator` draws the low-rank family's V (entries N(0, 1/p) x 0.1).
    public init(family: AdaptMapFamily, stageOne: AffineMap<Scalar>, generator: inout SplitMix64)
        throws(AlignmentError)
    {
        let m = stageOne.targetDimension, p = stageOne.sourceDimension
        var gram: DenseMatrix<Scalar>? = nil
        switch family {
        case .linear:
            parameters = [AffineMap(unchecked: DenseMatrix(rows: m, columns: p), bias: zeros(m), family: .linear)]
        case .rotation:
            parameters = [AffineMap(unchecked: DenseMatrix(rows: m, columns: m), bias: zeros(m), family: .linear)]
            gram = try wrapLinearAlgebra { () throws(LinearAlgebraError) in
                try DenseMatrix.multiply(stageOne.weight, stageOne.weight, transB: .transposed)
            }
        case .lowRank(let rank):
            guard rank > 0 else { throw .invalidParameter(name: "rank", value: "\(rank)", reason: "must be > 0") }
            var v = DenseMatrix<Scalar>(rows: rank, columns: p)
            let scale = 0.1 / Double(p).squareRoot()
            for k in 0..<v.count { v.storage[k] = Scalar(scale * generator.nextNormal()) }
            parameters = [
                AffineMap(unchecked: DenseMatrix(rows: m, columns: rank), bias: zeros(m), family: .linear),
                AffineMap(unchecked: v, bias: zeros(rank), family: .linear),
            ]
        }
        self.family = family
        self.stageOne = stageOne
        stageOneGram = gram
        lossMap = stageOne
        try refresh()
    }

    /// What the loss's map is applied to: the queries themselves, or f1(x) for the rotation.
    /// - Complexity: O(n p m) for the rotation, free otherwise.
    public func lossInputs(_ queries: DenseMatrix<Scalar>) throws(AlignmentError) -> DenseMatrix<Scalar> {
        if case .rotation = family { return try stageOne.apply(to: queries) }
        return queries
    }

    /// The map from query embeddings into the index's space that the parameters define.
    /// - Complexity: O(m^2 p) for the rotation (R W1), free otherwise.
    public func effectiveMap() throws(AlignmentError) -> AffineMap<Scalar> {
        guard case .rotation = family, let rotation else { return lossMap }
        let weight = try wrapLinearAlgebra { () throws(LinearAlgebraError) in
            try DenseMatrix.multiply(rotation, stageOne.weight)
        }
        let bias = rotation.converted(to: Double.self).multiplied(by: stageOne.bias.map { Double($0) })
        return AffineMap(unchecked: weight, bias: bias.map { Scalar($0) }, family: stageOne.family)
    }

    /// Recomputes ``lossMap`` (and R) from ``parameters``.
    /// - Complexity: linear O(m p); rotation O(m^3) (one LU inverse in Double); low-rank O(m r p).
    public mutating func refresh() throws(AlignmentError) {
        let w1 = stageOne.weight, b1 = stageOne.bias
        switch family {
        case .linear:
            let delta = parameters[0]
            lossMap = AffineMap(
                unchecked: w1 + delta.weight, bias: zip(b1, delta.bias).map { $0 + $1 }, family: .linear)
        case .rotation:
            // R = (I + A)^{-1} (I - A) = (I + A)^{-1} (2 I - (I + A)) = 2 M - I: one inverse, no product.
            // In Double, so R^T R = I holds to rounding after the conversion.
            let m = parameters[0].weight.rows
            var shifted = parameters[0].weight.converted(to: Double.self)  // I + skew(A), in one pass
            shifted.withUnsafeMutableBufferPointer { a in
                for i in 0..<m {
                    a[i * m + i] = 1
                    var j = i + 1
                    while j < m {
                        let value = (a[i * m + j] - a[j * m + i]) / 2
                        a[i * m + j] = value
                        a[j * m + i] = -value
                        j += 1
                    }
                }
            }
            var r = try wrapLinearAlgebra { () throws(LinearAlgebraError) in try shifted.inverse() }
            cayleyInverse = r.converted(to: Scalar.self)
            r.withUnsafeMutableBufferPointer { p in
                for k in 0..<p.count { p[k] *= 2 }
                for i in 0..<m { p[i * m + i] -= 1 }
            }
            let rotation = r.converted(to: Scalar.self)
            self.rotation = rotation
            lossMap = AffineMap(unchecked: rotation, bias: zeros(m), family: .linear)
        case .lowRank:
            let (up, down) = (parameters[0], parameters[1])
            var weight = w1
            try wrapLinearAlgebra { () throws(LinearAlgebraError) in try weight.addProduct(up.weight, down.weight) }
            lossMap = AffineMap(unchecked: weight, bias: zip(b1, up.bias).map { $0 + $1 }, family: .linear)
        }
    }

    /// Adds the gradient of lambda ||W - W1||_F^2 (W the effective weight) w.r.t. ``lossMap`` to
    /// `gradient` and returns the penalty's value.
    /// - Complexity: O(m p), or O(m^3) for the rotation.
    public func addPenalty(_ lambda: Scalar, to gradient: inout MapGradient<Scalar>) throws(AlignmentError) -> Scalar {
        guard lambda > 0 else { return 0 }
        if case .rotation = family, let rotation, let gram = stageOneGram {
            // lambda ||(R - I) W1||^2 = lambda <(R - I) G, R - I>, gradient 2 lambda (R - I) G, G = W1 W1^T.
            var d = rotation
            for i in 0..<d.rows { d[i, i] -= 1 }
            let dg = try wrapLinearAlgebra { () throws(LinearAlgebraError) in try DenseMatrix.multiply(d, gram) }
            let value = try wrapLinearAlgebra { () throws(LinearAlgebraError) in try dg.frobeniusDot(d) }
            try wrapLinearAlgebra { () throws(LinearAlgebraError) in try gradient.weight.add(dg, scaledBy: 2 * lambda) }
            return lambda * value
        }
        let sum = lossMap.weight.withUnsafeBufferPointer { w in
            stageOne.weight.withUnsafeBufferPointer { w1 in
                gradient.weight.withUnsafeMutableBufferPointer { g in
                    addSquaredDistanceGradient(
                        w.baseAddress!, w1.baseAddress!, g.baseAddress!, count: w.count,
                        twoLambda: 2 * lambda)
                }
            }
        }
        return lambda * sum
    }

    /// dL/d(parameters) from dL/d(``lossMap``), one gradient per parameter (call after ``refresh()``).
    /// - Complexity: linear O(m p); rotation O(m^3); low-rank O(m r p).
    public func pullback(_ gradient: MapGradient<Scalar>) throws(AlignmentError) -> [MapGradient<Scalar>] {
        switch family {
        case .linear:
            return [gradient]
        case .rotation:
            let m = stageOne.targetDimension
            let inverse = cayleyInverse!
            // The gradient needs no more than the parameters' precision: two gemms in Scalar.
            let k = try wrapLinearAlgebra { () throws(LinearAlgebraError) -> DenseMatrix<Scalar> in
                let left = try DenseMatrix.multiply(inverse, gradient.weight, transA: .transposed)
                return try DenseMatrix.multiply(left, inverse, transB: .transposed, alpha: -2)
            }
            var out = MapGradient<Scalar>(source: m, target: m)
            out.weight = skewPart(k)
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

extension AdaptMapParameters {
    /// The rotation's ``pullback(_:)`` of a loss gradient given in factored form, dL/dR = dU^T F with
    /// dU (`B x m`) the gradient w.r.t. the outputs U = F R^T and F (`B x m`) the inputs f1(x):
    /// M^T dU^T F M^T = (dU M)^T (F M^T), so dL/dA = skew(-2 (dU M)^T (F M^T)) in three gemms of
    /// O(B m^2) instead of two of O(m^3). The bias gradient is not used (the rotation has none).
    /// - Complexity: O(B m^2).
    public func pullback(outputGradient du: DenseMatrix<Scalar>, inputs f: DenseMatrix<Scalar>) throws(AlignmentError)
        -> [MapGradient<Scalar>]
    {
        guard case .rotation = family, let inverse = cayleyInverse else {
            preconditionFailure("the factored pullback is the rotation's (after refresh())")
        }
        let m = stageOne.targetDimension
        precondition(du.columns == m && f.columns == m && du.rows == f.rows, "dU and F are B x m")
        let k = try wrapLinearAlgebra { () throws(LinearAlgebraError) -> DenseMatrix<Scalar> in
            let left = try DenseMatrix.multiply(du, inverse)  // dU M
            let right = try DenseMatrix.multiply(f, inverse, transB: .transposed)  // F M^T
            return try DenseMatrix.multiply(left, right, transA: .transposed, alpha: -2)
        }
        var out = MapGradient<Scalar>(source: m, target: m)
        out.weight = skewPart(k)
        return [out]
    }
}

/// (K - K^T) / 2.
func skewPart<S: BLASScalar>(_ k: DenseMatrix<S>) -> DenseMatrix<S> {
    precondition(k.rows == k.columns, "skew part of a non-square matrix")
    let n = k.rows
    var out = k
    k.withUnsafeBufferPointer { src in
        out.withUnsafeMutableBufferPointer { dst in
            for i in 0..<n {
                dst[i * n + i] = 0
                var j = i + 1
                while j < n {
                    let value = (src[i * n + j] - src[j * n + i]) / 2
                    dst[i * n + j] = value
                    dst[j * n + i] = -value
                    j += 1
                }
            }
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
                    BLAS.gemv(
                        .none, rows: rows, columns: columns, alpha: 1, a: a.baseAddress!, lda: columns,
                        x: x.baseAddress!, beta: 0, y: y.baseAddress!)
                }
            }
        }
        return out
    }
}
