internal import CLapack

/// Whether an operand enters a product as is or transposed.
public enum Transpose: Sendable, Hashable {
    case none
    case transposed

    var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

/// `Float` or `Double`: the element types BLAS and LAPACK compute with.
///
/// The underscored requirements are the per-precision entry points; call them
/// through ``BLAS`` (and the `Matrix` methods) rather than directly. The LAPACK
/// entry points come from ``LAPACKScalar`` (LAPACK.swift).
public protocol BLASScalar: LAPACKScalar, BinaryFloatingPoint, Sendable, Hashable, LosslessStringConvertible
where RawSignificand: FixedWidthInteger {
    static func _gemm(
        _ transA: Transpose, _ transB: Transpose, _ m: Int, _ n: Int, _ k: Int, _ alpha: Self,
        _ a: UnsafePointer<Self>, _ lda: Int, _ b: UnsafePointer<Self>, _ ldb: Int, _ beta: Self,
        _ c: UnsafeMutablePointer<Self>, _ ldc: Int)
    static func _gemv(
        _ trans: Transpose, _ rows: Int, _ columns: Int, _ alpha: Self, _ a: UnsafePointer<Self>,
        _ lda: Int, _ x: UnsafePointer<Self>, _ beta: Self, _ y: UnsafeMutablePointer<Self>)
    static func _dot(_ n: Int, _ x: UnsafePointer<Self>, _ y: UnsafePointer<Self>) -> Self
    static func _axpy(_ n: Int, _ alpha: Self, _ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>)
    static func _scal(_ n: Int, _ alpha: Self, _ x: UnsafeMutablePointer<Self>)
    static func _nrm2(_ n: Int, _ x: UnsafePointer<Self>) -> Self
}

extension Float: BLASScalar {
    public static func _gemm(
        _ transA: Transpose, _ transB: Transpose, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
        _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
        _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, transA.cblas, transB.cblas, Int32(m), Int32(n), Int32(k), alpha,
            a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    public static func _gemv(
        _ trans: Transpose, _ rows: Int, _ columns: Int, _ alpha: Float,
        _ a: UnsafePointer<Float>, _ lda: Int, _ x: UnsafePointer<Float>, _ beta: Float,
        _ y: UnsafeMutablePointer<Float>
    ) {
        cblas_sgemv(CblasRowMajor, trans.cblas, Int32(rows), Int32(columns), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }
    public static func _dot(_ n: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>) -> Float {
        cblas_sdot(Int32(n), x, 1, y, 1)
    }
    public static func _axpy(_ n: Int, _ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        cblas_saxpy(Int32(n), alpha, x, 1, y, 1)
    }
    public static func _scal(_ n: Int, _ alpha: Float, _ x: UnsafeMutablePointer<Float>) {
        cblas_sscal(Int32(n), alpha, x, 1)
    }
    public static func _nrm2(_ n: Int, _ x: UnsafePointer<Float>) -> Float { cblas_snrm2(Int32(n), x, 1) }
}

extension Double: BLASScalar {
    public static func _gemm(
        _ transA: Transpose, _ transB: Transpose, _ m: Int, _ n: Int, _ k: Int, _ alpha: Double,
        _ a: UnsafePointer<Double>, _ lda: Int, _ b: UnsafePointer<Double>, _ ldb: Int,
        _ beta: Double, _ c: UnsafeMutablePointer<Double>, _ ldc: Int
    ) {
        cblas_dgemm(
            CblasRowMajor, transA.cblas, transB.cblas, Int32(m), Int32(n), Int32(k), alpha,
            a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    public static func _gemv(
        _ trans: Transpose, _ rows: Int, _ columns: Int, _ alpha: Double,
        _ a: UnsafePointer<Double>, _ lda: Int, _ x: UnsafePointer<Double>, _ beta: Double,
        _ y: UnsafeMutablePointer<Double>
    ) {
        cblas_dgemv(CblasRowMajor, trans.cblas, Int32(rows), Int32(columns), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }
    public static func _dot(_ n: Int, _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>) -> Double {
        cblas_ddot(Int32(n), x, 1, y, 1)
    }
    public static func _axpy(_ n: Int, _ alpha: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>) {
        cblas_daxpy(Int32(n), alpha, x, 1, y, 1)
    }
    public static func _scal(_ n: Int, _ alpha: Double, _ x: UnsafeMutablePointer<Double>) {
        cblas_dscal(Int32(n), alpha, x, 1)
    }
    public static func _nrm2(_ n: Int, _ x: UnsafePointer<Double>) -> Double { cblas_dnrm2(Int32(n), x, 1) }
}

/// Typed wrappers over CBLAS for row-major buffers of `Float` or `Double`.
///
/// These are the hot loops of era. They take raw buffers so that memory-mapped
/// embedding files and sub-blocks of a matrix can be used without copying.
/// Negative dimensions are programmer errors (`precondition`): shapes read from
/// files are validated, and thrown, before they get here.
public enum BLAS {
    /// `C = alpha * op(A) * op(B) + beta * C`, all row-major.
    ///
    /// `op(A)` is `m x k`, `op(B)` is `k x n`, `C` is `m x n`. `lda`, `ldb`, `ldc`
    /// are the row strides of the *stored* matrices (their column counts when contiguous).
    /// When `k == 0` the product is empty and `C` becomes `beta * C`; when `m == 0` or `n == 0`
    /// nothing is read or written. With `beta == 0`, `C` is not read (NaN in it does not propagate).
    /// - Parameters:
    ///   - transA: whether `A` enters as stored (`.none`) or transposed.
    ///   - transB: whether `B` enters as stored (`.none`) or transposed.
    ///   - m: rows of `op(A)` and of `C` (>= 0, `precondition`).
    ///   - n: columns of `op(B)` and of `C` (>= 0).
    ///   - k: columns of `op(A)`, rows of `op(B)` (>= 0).
    ///   - alpha: scale of the product (default 1).
    ///   - a: the stored `A`: `m x k`, or `k x m` when transposed.
    ///   - lda: row stride of the stored `A` (>= its column count).
    ///   - b: the stored `B`: `k x n`, or `n x k` when transposed.
    ///   - ldb: row stride of the stored `B`.
    ///   - beta: scale of the old `C` (default 0: `C` is overwritten).
    ///   - c: the `m x n` output; must not overlap `a` or `b`.
    ///   - ldc: row stride of `C` (>= `n`).
    /// - Complexity: O(`m * n * k`).
    @inlinable
    public static func gemm<T: BLASScalar>(
        _ transA: Transpose, _ transB: Transpose,
        m: Int, n: Int, k: Int, alpha: T = 1,
        a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int,
        beta: T = 0, c: UnsafeMutablePointer<T>, ldc: Int
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0, "negative gemm dimension")
        if m == 0 || n == 0 { return }
        if k == 0 {
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
            return
        }
        T._gemm(transA, transB, m, n, k, alpha, a, max(1, lda), b, max(1, ldb), beta, c, max(1, ldc))
    }

    /// `y = alpha * op(A) * x + beta * y` for a row-major `rows x columns` A.
    ///
    /// `x` has `columns` elements and `y` `rows` when `trans` is `.none`; the other way round when
    /// `.transposed`. With `rows == 0` or `columns == 0` nothing is done: `y` is left as it was
    /// (not scaled by `beta`).
    /// - Parameters:
    ///   - trans: whether `A` enters as stored or transposed.
    ///   - rows: rows of the stored `A`.
    ///   - columns: columns of the stored `A`.
    ///   - alpha: scale of the product (default 1).
    ///   - a: the stored `A`, row-major.
    ///   - lda: row stride of `A` (>= `columns`).
    ///   - x: the input vector, contiguous.
    ///   - beta: scale of the old `y` (default 0: `y` is overwritten).
    ///   - y: the output vector, contiguous; must not overlap `a` or `x`.
    /// - Complexity: O(`rows * columns`).
    @inlinable
    public static func gemv<T: BLASScalar>(
        _ trans: Transpose, rows: Int, columns: Int, alpha: T = 1,
        a: UnsafePointer<T>, lda: Int, x: UnsafePointer<T>, beta: T = 0, y: UnsafeMutablePointer<T>
    ) {
        if rows == 0 || columns == 0 { return }
        T._gemv(trans, rows, columns, alpha, a, max(1, lda), x, beta, y)
    }

    /// `<x, y> = sum_i x_i y_i` over `count` contiguous elements; 0 when `count == 0`.
    /// - Parameters:
    ///   - x: the first vector.
    ///   - y: the second vector.
    ///   - count: elements of each (>= 0).
    @inlinable
    public static func dot<T: BLASScalar>(_ x: UnsafePointer<T>, _ y: UnsafePointer<T>, count: Int) -> T {
        T._dot(count, x, y)
    }

    /// `y += alpha * x` over `count` contiguous elements.
    /// - Parameters:
    ///   - count: elements of each vector (>= 0; 0 does nothing).
    ///   - alpha: the scale of `x`.
    ///   - x: the vector added.
    ///   - y: the vector updated in place.
    @inlinable
    public static func axpy<T: BLASScalar>(count: Int, alpha: T, x: UnsafePointer<T>, y: UnsafeMutablePointer<T>) {
        T._axpy(count, alpha, x, y)
    }

    /// `x *= alpha` over `count` contiguous elements.
    /// - Parameters:
    ///   - count: elements of `x` (>= 0; 0 does nothing).
    ///   - alpha: the scale.
    ///   - x: the vector scaled in place.
    @inlinable
    public static func scal<T: BLASScalar>(count: Int, alpha: T, x: UnsafeMutablePointer<T>) {
        T._scal(count, alpha, x)
    }

    /// Euclidean norm `sqrt(sum_i x_i^2)` of `count` contiguous elements (overflow-safe, as
    /// BLAS's nrm2: scaled so huge or tiny entries neither overflow nor underflow); 0 when `count == 0`.
    /// - Parameters:
    ///   - x: the vector.
    ///   - count: its number of elements (>= 0).
    @inlinable
    public static func nrm2<T: BLASScalar>(_ x: UnsafePointer<T>, count: Int) -> T {
        T._nrm2(count, x)
    }
}
