import Foundation
import LinearAlgebra

extension Procrustes {
    /// Shrinkage of the source covariance before it is raised to a negative power: this fraction of
    /// its mean eigenvalue is added to every eigenvalue, so directions the pairs barely span (fewer
    /// pairs than dimensions) are not blown up by the whitening.
    public static let whiteningShrinkage = 0.01

    /// Procrustes on partially whitened sources: f(x) = W x + b with W = r (S T)^T, not orthogonal.
    ///
    /// With Xc, Yc centred per `centering` (raw without), G = Xc^T Xc = E^T diag(lambda) E and
    /// S = E^T diag((lambda + s)^(-a/2)) E, where a = `exponent` and s = ``whiteningShrinkage`` times
    /// the mean eigenvalue, T = polar(S Xc^T Yc) is the orthogonal Procrustes solution between the
    /// whitened sources Xc S and the targets. r = sqrt(tr(G) / tr((S T)^T G (S T))) gives the mapped
    /// centred sources the sources' root-mean-square length, so the bias b = mean(Y) - W mean(X) keeps
    /// the weight it has in plain Procrustes. a = 0 is plain Procrustes (S = c I, T = polar(M)); a = 1
    /// whitens fully (canonical-correlation-like), which overfits the directions few pairs span.
    ///
    /// Why: an orthogonal map keeps the source's spectrum, so directions where the query model puts
    /// much variance and the index model little dominate the mapped queries. On SciFact, a = 0.5 beats
    /// plain centred Procrustes on the training queries for all three index models (docs/alignment.md).
    ///
    /// With `measureObjective`, a second pass gives ||Xc W^T - Yc||_F^2 (as the plain streamed fit's).
    /// - Throws: ``AlignmentError/empty(what:)``, ``AlignmentError/shapeMismatch(operation:expected:got:)``,
    ///   ``AlignmentError/nonFinite(what:)``, ``AlignmentError/invalidParameter(name:value:reason:)`` for
    ///   an exponent outside [0, 1], LAPACK failures.
    /// - Complexity: one pass of O(n p (p + m)) sgemm, plus O(p^3 + p m^2) in Double.
    public static func fitWhitened(
        source x: RowSelection, target y: RowSelection, exponent: Double, centering: Centering = .mean,
        measureObjective: Bool = false, blockRows: Int = streamingBlockRows
    ) throws(AlignmentError) -> StreamedFit {
        let accumulator = try whitenedPass(source: x, target: y, centering: centering, blockRows: blockRows)
        return try whitenedFit(
            accumulator, source: x, target: y, exponent: exponent, measureObjective: measureObjective,
            blockRows: blockRows)
    }

    /// The checked shapes and the one pass a whitened fit reads: Xᵀ Y and the source Gram matrix Xᵀ X.
    static func whitenedPass(
        source x: RowSelection, target y: RowSelection, centering: Centering, blockRows: Int = streamingBlockRows
    ) throws(AlignmentError) -> CrossCovariance {
        try validateStreamed(x, y, blockRows: blockRows)
        return try CrossCovariance.accumulated(
            source: x, target: y, centering: centering, sourceGram: true, blockRows: blockRows)
    }

    /// The whitened fit from a pass already made (`accumulator`, with its source Gram matrix, centred
    /// or not as the fit is), so that the plain thin fits of the same rows can share the pass.
    static func whitenedFit(
        _ accumulator: CrossCovariance, source x: RowSelection, target y: RowSelection, exponent: Double,
        measureObjective: Bool, blockRows: Int = streamingBlockRows
    ) throws(AlignmentError) -> StreamedFit {
        guard exponent >= 0, exponent <= 1 else {
            throw .invalidParameter(name: "whitening", value: "\(exponent)", reason: "expected a number in [0, 1]")
        }
        let p = x.columns, centering = accumulator.centering
        let gram = accumulator.sourceGramMatrix!
        let weight = try wrapLinearAlgebra { () throws(LinearAlgebraError) -> MatrixD in
            let whitener = try Self.inversePower(of: gram, exponent: exponent / 2)
            let whitened = try MatrixD.multiply(whitener, accumulator.matrix)  // S M, p x m
            let t = try polar(whitened)
            var a = try MatrixD.multiply(whitener, t)  // S T, p x m
            let ga = try MatrixD.multiply(gram, a)
            var mappedSquares = 0.0, sourceSquares = 0.0
            ga.withUnsafeBufferPointer { g in
                a.withUnsafeBufferPointer { v in for k in 0..<v.count { mappedSquares += g[k] * v[k] } }
            }
            for i in 0..<p { sourceSquares += gram[i, i] }
            let scale = mappedSquares > 0 ? (sourceSquares / mappedSquares).squareRoot() : 1
            a.withUnsafeMutableBufferPointer { v in for k in 0..<v.count { v[k] *= scale } }
            return a.transposed  // m x p
        }
        let (meanX, meanY) = accumulator.means
        let map = AffineMap<Double>(
            unchecked: weight, bias: bias(weight: weight, meanX: meanX, meanY: meanY, centering: centering),
            family: .linear)
        let objective =
            measureObjective
            ? streamedResidual(x, y, t: weight.transposed, meanX: meanX, meanY: meanY, blockRows: blockRows) : nil
        return StreamedFit(map: map.converted(to: Float.self), mapD: map, objective: objective)
    }

    /// (G + s I)^(-power) for the symmetric positive semi-definite G, s = ``whiteningShrinkage`` times
    /// the mean of its (clamped) eigenvalues; the identity when G is zero.
    static func inversePower(of gram: MatrixD, exponent power: Double) throws(LinearAlgebraError) -> MatrixD {
        let eigen = try gram.symmetricEigen()
        let values = eigen.eigenvalues.map { max($0, 0) }
        let shrinkage = whiteningShrinkage * values.reduce(0, +) / Double(values.count)
        let k = values.count
        guard shrinkage > 0 else { return MatrixD.identity(k) }
        var scaled = eigen.eigenvectors  // rows: eigenvectors
        scaled.withUnsafeMutableBufferPointer { e in
            for i in 0..<k {
                let factor = pow(values[i] + shrinkage, -power)
                for j in 0..<k { e[i * k + j] *= factor }
            }
        }
        return try MatrixD.multiply(eigen.eigenvectors, scaled, transA: .transposed)  // E^T diag E
    }
}
