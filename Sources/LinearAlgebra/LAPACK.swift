internal import CLapack

/// The LAPACK entry points era uses, per precision. ``BLASScalar`` refines this
/// protocol, so every `DenseMatrix` element type has them.
///
/// The underscored requirements are thin LAPACKE calls returning LAPACK's `info`;
/// call them through the `DenseMatrix` methods (`svd()`, `symmetricEigen()`,
/// `solve(_:)`, `qr()`, `determinant()`, `inverse()`), which check shapes and
/// finiteness and turn `info != 0` into ``LinearAlgebraError/lapackFailure(routine:info:)``.
///
/// Layouts: routines marked *column-major* are handed a row-major buffer as is, i.e.
/// they see its transpose; the callers arrange the algebra so that no copy is needed.
/// The others use LAPACKE's row-major mode (which copies; cheap next to their O(n^3)).
public protocol LAPACKScalar {
    /// LAPACK's one-letter precision prefix, `"s"` or `"d"`, for error messages.
    static var _lapackPrefix: String { get }
    /// Column-major thin SVD (`jobz = 'S'`) of the `m x n` matrix `a`, destroyed.
    static func _gesdd(
        _ m: Int, _ n: Int, _ a: UnsafeMutablePointer<Self>, _ lda: Int,
        _ s: UnsafeMutablePointer<Self>, _ u: UnsafeMutablePointer<Self>, _ ldu: Int,
        _ vt: UnsafeMutablePointer<Self>, _ ldvt: Int
    ) -> Int32
    /// Column-major symmetric eigensolver reading the upper triangle (`uplo = 'U'`);
    /// with `vectors`, `a` is overwritten by the eigenvectors (its columns).
    static func _syevd(
        _ vectors: Bool, _ n: Int, _ a: UnsafeMutablePointer<Self>, _ lda: Int,
        _ w: UnsafeMutablePointer<Self>
    ) -> Int32
    /// Row-major `A X = B` by LU with partial pivoting; `b` is overwritten by `X`.
    static func _gesv(
        _ n: Int, _ nrhs: Int, _ a: UnsafeMutablePointer<Self>, _ lda: Int,
        _ ipiv: UnsafeMutablePointer<Int32>, _ b: UnsafeMutablePointer<Self>, _ ldb: Int
    ) -> Int32
    /// Column-major LU factorization `P L U` with partial pivoting (1-based `ipiv`).
    static func _getrf(
        _ m: Int, _ n: Int, _ a: UnsafeMutablePointer<Self>, _ lda: Int,
        _ ipiv: UnsafeMutablePointer<Int32>
    ) -> Int32
    /// Column-major inverse from a `getrf` factorization.
    static func _getri(
        _ n: Int, _ a: UnsafeMutablePointer<Self>, _ lda: Int,
        _ ipiv: UnsafePointer<Int32>
    ) -> Int32
    /// Row-major Householder QR: `R` in the upper triangle, reflectors below plus `tau`.
    static func _geqrf(
        _ m: Int, _ n: Int, _ a: UnsafeMutablePointer<Self>, _ lda: Int,
        _ tau: UnsafeMutablePointer<Self>
    ) -> Int32
    /// Row-major: forms the `m x n` orthonormal `Q` from the first `k` reflectors of `geqrf`.
    static func _orgqr(
        _ m: Int, _ n: Int, _ k: Int, _ a: UnsafeMutablePointer<Self>, _ lda: Int,
        _ tau: UnsafePointer<Self>
    ) -> Int32
}

private let rowMajor = Int32(LAPACK_ROW_MAJOR)
private let columnMajor = Int32(LAPACK_COL_MAJOR)
private func char(_ c: Unicode.Scalar) -> CChar { CChar(UInt8(ascii: c)) }
private func lapackInt(_ n: Int) -> Int32 {  // lapack_int is int32_t (LP64 OpenBLAS)
    precondition(n >= 0 && n <= Int(Int32.max), "LAPACK dimension \(n) out of 32-bit range")
    return Int32(n)
}

extension Float: LAPACKScalar {
    public static var _lapackPrefix: String { "s" }
    public static func _gesdd(
        _ m: Int, _ n: Int, _ a: UnsafeMutablePointer<Float>, _ lda: Int,
        _ s: UnsafeMutablePointer<Float>, _ u: UnsafeMutablePointer<Float>, _ ldu: Int,
        _ vt: UnsafeMutablePointer<Float>, _ ldvt: Int
    ) -> Int32 {
        LAPACKE_sgesdd(
            columnMajor, char("S"), lapackInt(m), lapackInt(n), a, lapackInt(lda), s,
            u, lapackInt(ldu), vt, lapackInt(ldvt))
    }
    public static func _syevd(
        _ vectors: Bool, _ n: Int, _ a: UnsafeMutablePointer<Float>, _ lda: Int,
        _ w: UnsafeMutablePointer<Float>
    ) -> Int32 {
        LAPACKE_ssyevd(columnMajor, char(vectors ? "V" : "N"), char("U"), lapackInt(n), a, lapackInt(lda), w)
    }
    public static func _gesv(
        _ n: Int, _ nrhs: Int, _ a: UnsafeMutablePointer<Float>, _ lda: Int,
        _ ipiv: UnsafeMutablePointer<Int32>, _ b: UnsafeMutablePointer<Float>,
        _ ldb: Int
    ) -> Int32 {
        LAPACKE_sgesv(rowMajor, lapackInt(n), lapackInt(nrhs), a, lapackInt(lda), ipiv, b, lapackInt(ldb))
    }
    public static func _getrf(
        _ m: Int, _ n: Int, _ a: UnsafeMutablePointer<Float>, _ lda: Int,
        _ ipiv: UnsafeMutablePointer<Int32>
    ) -> Int32 {
        LAPACKE_sgetrf(columnMajor, lapackInt(m), lapackInt(n), a, lapackInt(lda), ipiv)
    }
    public static func _getri(
        _ n: Int, _ a: UnsafeMutablePointer<Float>, _ lda: Int,
        _ ipiv: UnsafePointer<Int32>
    ) -> Int32 {
        LAPACKE_sgetri(columnMajor, lapackInt(n), a, lapackInt(lda), ipiv)
    }
    public static func _geqrf(
        _ m: Int, _ n: Int, _ a: UnsafeMutablePointer<Float>, _ lda: Int,
        _ tau: UnsafeMutablePointer<Float>
    ) -> Int32 {
        LAPACKE_sgeqrf(rowMajor, lapackInt(m), lapackInt(n), a, lapackInt(lda), tau)
    }
    public static func _orgqr(
        _ m: Int, _ n: Int, _ k: Int, _ a: UnsafeMutablePointer<Float>, _ lda: Int,
        _ tau: UnsafePointer<Float>
    ) -> Int32 {
        LAPACKE_sorgqr(rowMajor, lapackInt(m), lapackInt(n), lapackInt(k), a, lapackInt(lda), tau)
    }
}

extension Double: LAPACKScalar {
    public static var _lapackPrefix: String { "d" }
    public static func _gesdd(
        _ m: Int, _ n: Int, _ a: UnsafeMutablePointer<Double>, _ lda: Int,
        _ s: UnsafeMutablePointer<Double>, _ u: UnsafeMutablePointer<Double>, _ ldu: Int,
        _ vt: UnsafeMutablePointer<Double>, _ ldvt: Int
    ) -> Int32 {
        LAPACKE_dgesdd(
            columnMajor, char("S"), lapackInt(m), lapackInt(n), a, lapackInt(lda), s,
            u, lapackInt(ldu), vt, lapackInt(ldvt))
    }
    public static func _syevd(
        _ vectors: Bool, _ n: Int, _ a: UnsafeMutablePointer<Double>, _ lda: Int,
        _ w: UnsafeMutablePointer<Double>
    ) -> Int32 {
        LAPACKE_dsyevd(columnMajor, char(vectors ? "V" : "N"), char("U"), lapackInt(n), a, lapackInt(lda), w)
    }
    public static func _gesv(
        _ n: Int, _ nrhs: Int, _ a: UnsafeMutablePointer<Double>, _ lda: Int,
        _ ipiv: UnsafeMutablePointer<Int32>, _ b: UnsafeMutablePointer<Double>,
        _ ldb: Int
    ) -> Int32 {
        LAPACKE_dgesv(rowMajor, lapackInt(n), lapackInt(nrhs), a, lapackInt(lda), ipiv, b, lapackInt(ldb))
    }
    public static func _getrf(
        _ m: Int, _ n: Int, _ a: UnsafeMutablePointer<Double>, _ lda: Int,
        _ ipiv: UnsafeMutablePointer<Int32>
    ) -> Int32 {
        LAPACKE_dgetrf(columnMajor, lapackInt(m), lapackInt(n), a, lapackInt(lda), ipiv)
    }
    public static func _getri(
        _ n: Int, _ a: UnsafeMutablePointer<Double>, _ lda: Int,
        _ ipiv: UnsafePointer<Int32>
    ) -> Int32 {
        LAPACKE_dgetri(columnMajor, lapackInt(n), a, lapackInt(lda), ipiv)
    }
    public static func _geqrf(
        _ m: Int, _ n: Int, _ a: UnsafeMutablePointer<Double>, _ lda: Int,
        _ tau: UnsafeMutablePointer<Double>
    ) -> Int32 {
        LAPACKE_dgeqrf(rowMajor, lapackInt(m), lapackInt(n), a, lapackInt(lda), tau)
    }
    public static func _orgqr(
        _ m: Int, _ n: Int, _ k: Int, _ a: UnsafeMutablePointer<Double>, _ lda: Int,
        _ tau: UnsafePointer<Double>
    ) -> Int32 {
        LAPACKE_dorgqr(rowMajor, lapackInt(m), lapackInt(n), lapackInt(k), a, lapackInt(lda), tau)
    }
}

extension DenseMatrix {
    /// Throws ``LinearAlgebraError/nonFinite(operation:)`` unless every element is finite.
    func requireFinite(_ operation: String) throws(LinearAlgebraError) {
        guard isFinite else { throw .nonFinite(operation: operation) }
    }

    /// Throws ``LinearAlgebraError/shapeMismatch(operation:left:right:)`` unless square.
    func requireSquare(_ operation: String) throws(LinearAlgebraError) {
        guard rows == columns else { throw .shapeMismatch(operation: operation, left: shape, right: shape) }
    }

    /// Maps LAPACK's `info` to a thrown error naming the precision-specific routine, e.g. `sgesdd`.
    static func checkInfo(_ info: Int32, _ routine: String) throws(LinearAlgebraError) {
        guard info == 0 else { throw .lapackFailure(routine: Scalar._lapackPrefix + routine, info: info) }
    }
}
