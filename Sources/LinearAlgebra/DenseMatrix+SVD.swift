/// The thin singular value decomposition `A = U diag(S) V^T` of an `m x n` matrix,
/// `r = min(m, n)`.
public struct SingularValueDecomposition<Scalar: BLASScalar>: Sendable, Hashable {
    /// `m x r`, orthonormal columns (`U^T U = I_r`): the left singular vectors.
    public var u: DenseMatrix<Scalar>
    /// `[r]`, non-negative, in descending order.
    public var singularValues: [Scalar]
    /// `r x n`, orthonormal rows (`V^T V = I_r` read as `Vt Vt^T = I_r`): the right singular vectors, as rows.
    public var vt: DenseMatrix<Scalar>

    /// A decomposition from its parts (not checked: `u` should be `m x r`, `vt` `r x n`, with `r`
    /// the number of `singularValues`).
    public init(u: DenseMatrix<Scalar>, singularValues: [Scalar], vt: DenseMatrix<Scalar>) {
        self.u = u
        self.singularValues = singularValues
        self.vt = vt
    }

    /// `U diag(S) V^T`, the matrix the decomposition came from (up to rounding).
    /// - Complexity: O(`m * n * r`).
    public func reconstructed() -> DenseMatrix<Scalar> {
        var us = u
        let r = singularValues.count
        us.withUnsafeMutableBufferPointer { p in
            for i in 0..<u.rows { for j in 0..<r { p[i * r + j] *= singularValues[j] } }
        }
        // Shapes agree by construction (us: m x r, vt: r x n), so this cannot throw.
        return (try? DenseMatrix.multiply(us, vt)) ?? DenseMatrix(rows: u.rows, columns: vt.columns)
    }
}

extension DenseMatrix {
    /// The thin SVD through LAPACK's divide-and-conquer `?gesdd` (`jobz = 'S'`).
    ///
    /// `?gesdd` rather than `?gesvd`: on the Procrustes cross-covariances era decomposes
    /// it is tens of times faster. No copy to column-major is made: the row-major buffer
    /// *is* the column-major `A^T`, whose SVD `A^T = V S U^T` LAPACK computes; its column-major
    /// `U`-output (`n x r`) is exactly our row-major `V^T` (`r x n`), and its `V^T`-output
    /// (`r x m`) our row-major `U` (`m x r`). The only copy is the input, which LAPACK destroys.
    ///
    /// Singular vectors of repeated singular values are determined only up to a rotation
    /// within their subspace, and each pair `(u_i, v_i)` up to a common sign.
    /// - Throws: ``LinearAlgebraError/emptyDimension(operation:)`` for a `0 x n` or `m x 0` matrix,
    ///   ``LinearAlgebraError/nonFinite(operation:)`` for NaN/infinite input,
    ///   ``LinearAlgebraError/lapackFailure(routine:info:)`` when `?gesdd` does not converge (`info > 0`).
    /// - Complexity: O(`m * n * min(m, n)`).
    public func svd() throws(LinearAlgebraError) -> SingularValueDecomposition<Scalar> {
        guard rows > 0 && columns > 0 else { throw .emptyDimension(operation: "svd") }
        try requireFinite("svd")
        let m = rows, n = columns, r = Swift.min(m, n)
        var work = storage  // LAPACK overwrites its input.
        var s = [Scalar](repeating: 0, count: r)
        var vtOut = DenseMatrix(rows: r, columns: n)  // LAPACK's U of A^T: column-major n x r, ldu = n.
        var uOut = DenseMatrix(rows: m, columns: r)  // LAPACK's V^T of A^T: column-major r x m, ldvt = r.
        let info = work.withUnsafeMutableBufferPointer { a in
            s.withUnsafeMutableBufferPointer { sp in
                vtOut.withUnsafeMutableBufferPointer { lu in
                    uOut.withUnsafeMutableBufferPointer { lvt in
                        Scalar._gesdd(
                            n, m, a.baseAddress!, n, sp.baseAddress!, lu.baseAddress!, n,
                            lvt.baseAddress!, r)
                    }
                }
            }
        }
        try Self.checkInfo(info, "gesdd")
        return SingularValueDecomposition(u: uOut, singularValues: s, vt: vtOut)
    }

    /// The singular values alone, descending (same `?gesdd` call; vectors are discarded).
    public func singularValues() throws(LinearAlgebraError) -> [Scalar] {
        try svd().singularValues
    }

    /// The orthogonal (polar) factor `U V^T` of the thin SVD `A = U S V^T`: `m x n`, with
    /// orthonormal columns when `m >= n` and orthonormal rows when `m <= n`.
    ///
    /// It is the nearest such matrix to `A` in Frobenius norm, hence the orthogonal
    /// Procrustes solution: `argmin_{W^T W = I} ||X W - Y||_F = polar(X^T Y)`.
    /// For a map applied as `X W^T` (era's convention, `W0 = V U^T` with `M = X^T Y = U S V^T`)
    /// take `polarFactor()` of `M` and transpose it, or of `M^T` directly.
    /// When `A` is rank-deficient the factor is not unique; the one from `?gesdd` is returned.
    /// - Throws: as ``svd()``.
    /// - Complexity: O(`m * n * min(m, n)`).
    public func polarFactor() throws(LinearAlgebraError) -> DenseMatrix {
        let d = try svd()
        return try DenseMatrix.multiply(d.u, d.vt)
    }
}
