/// The eigendecomposition `A = E^T diag(lambda) E` of a symmetric `n x n` matrix.
public struct SymmetricEigendecomposition<Scalar: BLASScalar>: Sendable, Hashable {
    /// `[n]`, ascending (as LAPACK and numpy's `eigh` return them).
    public var eigenvalues: [Scalar]
    /// `n x n`, orthogonal; **row** `i` is the unit eigenvector of `eigenvalues[i]`
    /// (numpy's `eigh` returns them as columns: this is its transpose).
    public var eigenvectors: DenseMatrix<Scalar>

    /// A decomposition from its parts (not checked: `eigenvectors` should be `n x n` with `n`
    /// the number of `eigenvalues`).
    public init(eigenvalues: [Scalar], eigenvectors: DenseMatrix<Scalar>) {
        self.eigenvalues = eigenvalues
        self.eigenvectors = eigenvectors
    }
}

extension DenseMatrix {
    /// Eigenvalues (ascending) and orthonormal eigenvectors (as rows) of a symmetric matrix,
    /// through LAPACK's divide-and-conquer `?syevd`.
    ///
    /// Only the row-major **lower** triangle (`j <= i`) is read; the rest is assumed to mirror it,
    /// and is not checked. The row-major buffer is handed to LAPACK as column-major (for a symmetric
    /// matrix that is the same matrix), and the column-major eigenvector columns LAPACK writes are,
    /// read row-major, the rows of ``SymmetricEigendecomposition/eigenvectors``: no transposition.
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:left:right:)`` if not square,
    ///   ``LinearAlgebraError/emptyDimension(operation:)`` for `0 x 0`,
    ///   ``LinearAlgebraError/nonFinite(operation:)`` for NaN/infinite input,
    ///   ``LinearAlgebraError/lapackFailure(routine:info:)`` when `?syevd` does not converge.
    /// - Complexity: O(`n^3`).
    public func symmetricEigen() throws(LinearAlgebraError) -> SymmetricEigendecomposition<Scalar> {
        var vectors = self
        let values = try Self.syevd(&vectors, vectors: true)
        return SymmetricEigendecomposition(eigenvalues: values, eigenvectors: vectors)
    }

    /// The eigenvalues alone, ascending (`?syevd` with `jobz = 'N'`, cheaper than with vectors).
    /// - Throws: as ``symmetricEigen()``.
    public func symmetricEigenvalues() throws(LinearAlgebraError) -> [Scalar] {
        var work = self
        return try Self.syevd(&work, vectors: false)
    }

    /// The largest eigenvalue of a symmetric matrix, e.g. the spectral norm `||X||_2^2` of `X^T X`
    /// for a step size bound. - Throws: as ``symmetricEigen()``.
    public func largestSymmetricEigenvalue() throws(LinearAlgebraError) -> Scalar {
        // Non-empty by then: syevd threw on 0 x 0.
        try symmetricEigenvalues().last!
    }

    private static func syevd(_ a: inout DenseMatrix, vectors: Bool) throws(LinearAlgebraError) -> [Scalar] {
        try a.requireSquare("symmetricEigen")
        guard a.rows > 0 else { throw .emptyDimension(operation: "symmetricEigen") }
        try a.requireFinite("symmetricEigen")
        let n = a.rows
        var w = [Scalar](repeating: 0, count: n)
        let info = a.withUnsafeMutableBufferPointer { p in
            w.withUnsafeMutableBufferPointer { wp in Scalar._syevd(vectors, n, p.baseAddress!, n, wp.baseAddress!) }
        }
        try checkInfo(info, "syevd")
        return w
    }
}
