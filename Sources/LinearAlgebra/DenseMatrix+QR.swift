extension DenseMatrix {
    /// The thin QR factorization `A = Q R` of an `m x n` matrix, `k = min(m, n)`:
    /// `q` is `m x k` with orthonormal columns, `r` is `k x n` upper triangular (upper
    /// trapezoidal when `n > m`). Householder reflections (LAPACK `?geqrf`), then `Q`
    /// formed explicitly (`?orgqr`).
    ///
    /// The diagonal of `R` is not sign-normalized (LAPACK's convention: it may be negative).
    /// For a Riemannian retraction onto the orthonormal matrices, `Q * sign(diag R)` is unique.
    /// - Throws: ``LinearAlgebraError/emptyDimension(operation:)`` for `0 x n` or `m x 0`,
    ///   ``LinearAlgebraError/nonFinite(operation:)`` for NaN/infinite input,
    ///   ``LinearAlgebraError/lapackFailure(routine:info:)`` for `info != 0` (an illegal argument).
    /// - Complexity: O(`m * n * k`).
    public func qr() throws(LinearAlgebraError) -> (q: DenseMatrix, r: DenseMatrix) {
        guard rows > 0 && columns > 0 else { throw .emptyDimension(operation: "qr") }
        try requireFinite("qr")
        let m = rows, n = columns, k = Swift.min(m, n)
        var a = self
        var tau = [Scalar](repeating: 0, count: k)
        let info = a.withUnsafeMutableBufferPointer { p in
            tau.withUnsafeMutableBufferPointer { t in Scalar._geqrf(m, n, p.baseAddress!, n, t.baseAddress!) }
        }
        try Self.checkInfo(info, "geqrf")

        var r = DenseMatrix(rows: k, columns: n)
        for i in 0..<k { for j in i..<n { r.storage[i * n + j] = a.storage[i * n + j] } }

        // orgqr forms Q in the leading m x k block of `a` (row stride n >= k).
        let infoQ = a.withUnsafeMutableBufferPointer { p in
            tau.withUnsafeBufferPointer { t in Scalar._orgqr(m, k, k, p.baseAddress!, n, t.baseAddress!) }
        }
        try Self.checkInfo(infoQ, "orgqr")
        let q =
            k == n
            ? a : DenseMatrix(rows: m, columns: k, storage: (0..<m).flatMap { i in a.storage[(i * n)..<(i * n + k)] })
        return (q, r)
    }
}
