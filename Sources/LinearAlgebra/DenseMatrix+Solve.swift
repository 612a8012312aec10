extension DenseMatrix {
    /// `X` with `A X = B` for a square, non-singular `A` (`self`, `n x n`) and `B` (`n x k`),
    /// by LU with partial pivoting (LAPACK `?gesv`).
    ///
    /// No conditioning check is made beyond exact singularity: a nearly singular `A` gives a
    /// large, inaccurate `X`.
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:left:right:)`` if `A` is not square or
    ///   `B` has not `n` rows, ``LinearAlgebraError/emptyDimension(operation:)`` for `n == 0`,
    ///   ``LinearAlgebraError/nonFinite(operation:)`` for NaN/infinite `A` or `B`,
    ///   ``LinearAlgebraError/lapackFailure(routine:info:)`` with `info = i > 0` when `U_ii` is
    ///   exactly zero (singular `A`).
    /// - Complexity: O(`n^3 + n^2 k`).
    public func solve(_ b: DenseMatrix) throws(LinearAlgebraError) -> DenseMatrix {
        try requireSquare("solve")
        guard b.rows == rows else { throw .shapeMismatch(operation: "solve", left: shape, right: b.shape) }
        guard rows > 0 else { throw .emptyDimension(operation: "solve") }
        try requireFinite("solve")
        try b.requireFinite("solve")
        if b.columns == 0 { return b }
        let n = rows, k = b.columns
        var lu = storage
        var x = b
        var pivots = [Int32](repeating: 0, count: n)
        let info = lu.withUnsafeMutableBufferPointer { a in
            pivots.withUnsafeMutableBufferPointer { ip in
                x.withUnsafeMutableBufferPointer { xp in
                    Scalar._gesv(n, k, a.baseAddress!, n, ip.baseAddress!, xp.baseAddress!, k)
                }
            }
        }
        try Self.checkInfo(info, "gesv")
        return x
    }

    /// `x` with `A x = b` for one right-hand side; see ``solve(_:)-(DenseMatrix)``.
    public func solve(_ b: [Scalar]) throws(LinearAlgebraError) -> [Scalar] {
        try solve(DenseMatrix(rows: b.count, columns: 1, storage: b)).storage
    }

    /// `det(A)` of a square matrix from its LU factorization (LAPACK `?getrf`):
    /// the product of `U`'s diagonal, negated once per row interchange.
    ///
    /// An exactly singular matrix gives `0` (not an error). The product is formed in `Scalar`,
    /// so it can overflow to infinity or underflow to zero for large `n`; `det` of `0 x 0` is `1`.
    /// The row-major buffer is factored as column-major, i.e. `A^T` — same determinant, no copy.
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:left:right:)`` if not square,
    ///   ``LinearAlgebraError/nonFinite(operation:)`` for NaN/infinite input,
    ///   ``LinearAlgebraError/lapackFailure(routine:info:)`` for `info < 0`.
    /// - Complexity: O(`n^3`).
    public func determinant() throws(LinearAlgebraError) -> Scalar {
        try requireSquare("determinant")
        try requireFinite("determinant")
        if rows == 0 { return 1 }
        var lu = self
        let (info, pivots) = lu.factorLU()
        if info > 0 { return 0 }
        try Self.checkInfo(info, "getrf")
        let n = rows
        var det: Scalar = 1
        for i in 0..<n {
            det *= lu.storage[i * n + i]
            if pivots[i] != Int32(i + 1) { det = -det }
        }
        return det
    }

    /// `A^{-1}` of a square non-singular matrix (LAPACK `?getrf` then `?getri`).
    ///
    /// Prefer ``solve(_:)-(DenseMatrix)`` to multiplying by an inverse. The row-major buffer is
    /// inverted as the column-major `A^T`; `(A^T)^{-1}` written column-major is `A^{-1}` row-major.
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:left:right:)`` if not square,
    ///   ``LinearAlgebraError/emptyDimension(operation:)`` for `0 x 0`,
    ///   ``LinearAlgebraError/nonFinite(operation:)`` for NaN/infinite input,
    ///   ``LinearAlgebraError/lapackFailure(routine:info:)`` (`?getrf`, `info > 0`) when singular.
    /// - Complexity: O(`n^3`).
    public func inverse() throws(LinearAlgebraError) -> DenseMatrix {
        try requireSquare("inverse")
        guard rows > 0 else { throw .emptyDimension(operation: "inverse") }
        try requireFinite("inverse")
        var a = self
        let (info, pivots) = a.factorLU()
        try Self.checkInfo(info, "getrf")
        let n = rows
        let infoInverse = a.withUnsafeMutableBufferPointer { p in
            pivots.withUnsafeBufferPointer { ip in Scalar._getri(n, p.baseAddress!, n, ip.baseAddress!) }
        }
        try Self.checkInfo(infoInverse, "getri")
        return a
    }

    /// In-place column-major `?getrf` of a square, non-empty matrix; returns `info` and the 1-based pivots.
    private mutating func factorLU() -> (Int32, [Int32]) {
        let n = rows
        var pivots = [Int32](repeating: 0, count: n)
        let info = withUnsafeMutableBufferPointer { p in
            pivots.withUnsafeMutableBufferPointer { ip in Scalar._getrf(n, n, p.baseAddress!, n, ip.baseAddress!) }
        }
        return (info, pivots)
    }
}
