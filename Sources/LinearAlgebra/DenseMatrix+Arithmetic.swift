/// Elementwise arithmetic, norms and row-wise helpers.
///
/// Error policy: the *operators* (`+`, `-`, `+=`, `-=`) treat a shape mismatch as a
/// programmer error and stop with `precondition`, so expressions stay `try`-free.
/// The *named methods* that combine two operands (``add(_:scaledBy:)``,
/// ``frobeniusDot(_:)``, ``addToEachRow(_:)``, ``subtractFromEachRow(_:)``) throw
/// ``LinearAlgebraError/shapeMismatch(operation:left:right:)`` instead; use them where
/// a shape comes from data.
extension DenseMatrix {
    /// The `rows x columns` zero matrix.
    public static func zeros(rows: Int, columns: Int) -> DenseMatrix {
        DenseMatrix(rows: rows, columns: columns)
    }

    // MARK: Operators (precondition on shape)

    /// Elementwise sum. Shapes must be equal (`precondition`).
    /// - Complexity: O(`rows * columns`).
    public static func + (lhs: DenseMatrix, rhs: DenseMatrix) -> DenseMatrix {
        var out = lhs
        out += rhs
        return out
    }

    /// Elementwise difference. Shapes must be equal (`precondition`).
    public static func - (lhs: DenseMatrix, rhs: DenseMatrix) -> DenseMatrix {
        var out = lhs
        out -= rhs
        return out
    }

    /// `lhs += rhs` elementwise (BLAS axpy). Shapes must be equal (`precondition`).
    public static func += (lhs: inout DenseMatrix, rhs: DenseMatrix) {
        precondition(lhs.shape == rhs.shape, "+=: shapes \(lhs.shape) and \(rhs.shape) differ")
        lhs.axpyUnchecked(rhs, alpha: 1)
    }

    /// `lhs -= rhs` elementwise (BLAS axpy). Shapes must be equal (`precondition`).
    public static func -= (lhs: inout DenseMatrix, rhs: DenseMatrix) {
        precondition(lhs.shape == rhs.shape, "-=: shapes \(lhs.shape) and \(rhs.shape) differ")
        lhs.axpyUnchecked(rhs, alpha: -1)
    }

    /// The matrix scaled by `scalar`.
    public static func * (scalar: Scalar, matrix: DenseMatrix) -> DenseMatrix {
        var out = matrix
        out *= scalar
        return out
    }

    /// The matrix scaled by `scalar`.
    public static func * (matrix: DenseMatrix, scalar: Scalar) -> DenseMatrix { scalar * matrix }

    /// `matrix *= scalar` (BLAS scal).
    public static func *= (matrix: inout DenseMatrix, scalar: Scalar) {
        let n = matrix.count
        if n == 0 { return }
        matrix.withUnsafeMutableBufferPointer { p in BLAS.scal(count: n, alpha: scalar, x: p.baseAddress!) }
    }

    /// The elementwise negation.
    public static prefix func - (matrix: DenseMatrix) -> DenseMatrix { -1 * matrix }

    // MARK: Throwing binary methods

    /// `self += alpha * other` (BLAS axpy), the in-place update of gradient steps.
    /// - Parameters:
    ///   - other: a matrix of the same shape.
    ///   - alpha: the scale of `other`, e.g. minus a learning rate.
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:left:right:)`` when shapes differ.
    /// - Complexity: O(`rows * columns`).
    public mutating func add(_ other: DenseMatrix, scaledBy alpha: Scalar) throws(LinearAlgebraError) {
        guard shape == other.shape else {
            throw .shapeMismatch(operation: "add(_:scaledBy:)", left: shape, right: other.shape)
        }
        axpyUnchecked(other, alpha: alpha)
    }

    /// The Frobenius inner product `<A, B>_F = sum_ij A_ij B_ij = trace(A^T B)`.
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:left:right:)`` when shapes differ.
    /// - Complexity: O(`rows * columns`).
    public func frobeniusDot(_ other: DenseMatrix) throws(LinearAlgebraError) -> Scalar {
        guard shape == other.shape else {
            throw .shapeMismatch(operation: "frobeniusDot", left: shape, right: other.shape)
        }
        let n = count
        if n == 0 { return 0 }
        return withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in BLAS.dot(a.baseAddress!, b.baseAddress!, count: n) }
        }
    }

    private mutating func axpyUnchecked(_ other: DenseMatrix, alpha: Scalar) {
        let n = count
        if n == 0 { return }
        other.withUnsafeBufferPointer { x in
            withUnsafeMutableBufferPointer { y in
                BLAS.axpy(count: n, alpha: alpha, x: x.baseAddress!, y: y.baseAddress!)
            }
        }
    }

    // MARK: Norms and reductions

    /// `||A||_F^2 = sum_ij A_ij^2` (BLAS dot of the storage with itself; 0 for an empty matrix).
    public var frobeniusNormSquared: Scalar {
        let n = count
        if n == 0 { return 0 }
        return withUnsafeBufferPointer { p in BLAS.dot(p.baseAddress!, p.baseAddress!, count: n) }
    }

    /// `||A||_F` (BLAS nrm2: scaled, so it neither overflows nor underflows for large/tiny entries).
    public var frobeniusNorm: Scalar {
        let n = count
        if n == 0 { return 0 }
        return withUnsafeBufferPointer { p in BLAS.nrm2(p.baseAddress!, count: n) }
    }

    /// `sum_i A_ii` over the main diagonal, `i < min(rows, columns)` (rectangular allowed, as numpy's trace).
    public var trace: Scalar {
        var s: Scalar = 0
        for i in 0..<Swift.min(rows, columns) { s += storage[i * columns + i] }
        return s
    }

    /// The mean of each column, `[columns]`: `(1/rows) * A^T 1` (one BLAS gemv).
    /// An empty matrix (`rows == 0`) gives all zeros rather than numpy's NaN.
    /// - Complexity: O(`rows * columns`).
    public func columnMeans() -> [Scalar] {
        var out = [Scalar](repeating: 0, count: columns)
        if rows == 0 || columns == 0 { return out }
        let ones = [Scalar](repeating: 1, count: rows)
        let r = rows, c = columns
        withUnsafeBufferPointer { a in
            ones.withUnsafeBufferPointer { x in
                out.withUnsafeMutableBufferPointer { y in
                    BLAS.gemv(
                        .transposed, rows: r, columns: c, alpha: 1 / Scalar(r),
                        a: a.baseAddress!, lda: c, x: x.baseAddress!, y: y.baseAddress!)
                }
            }
        }
        return out
    }

    /// The Euclidean norm of each row, `[rows]` (BLAS nrm2 per row).
    public func rowNorms() -> [Scalar] {
        let c = columns
        if c == 0 { return [Scalar](repeating: 0, count: rows) }
        return withUnsafeBufferPointer { p in
            (0..<rows).map { i in BLAS.nrm2(p.baseAddress! + i * c, count: c) }
        }
    }

    // MARK: Row-wise updates

    /// `A_ij += v_j` for every row (broadcast of a row vector).
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:left:right:)`` when `v.count != columns`.
    public mutating func addToEachRow(_ v: [Scalar]) throws(LinearAlgebraError) {
        try addScaledToEachRow(v, alpha: 1, operation: "addToEachRow")
    }

    /// `A_ij -= v_j` for every row, e.g. centring with ``columnMeans()``.
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:left:right:)`` when `v.count != columns`.
    public mutating func subtractFromEachRow(_ v: [Scalar]) throws(LinearAlgebraError) {
        try addScaledToEachRow(v, alpha: -1, operation: "subtractFromEachRow")
    }

    private mutating func addScaledToEachRow(_ v: [Scalar], alpha: Scalar, operation: String) throws(LinearAlgebraError)
    {
        guard v.count == columns else {
            throw .shapeMismatch(operation: operation, left: shape, right: Shape(1, v.count))
        }
        let r = rows, c = columns
        if r == 0 || c == 0 { return }
        v.withUnsafeBufferPointer { x in
            withUnsafeMutableBufferPointer { y in
                for i in 0..<r { BLAS.axpy(count: c, alpha: alpha, x: x.baseAddress!, y: y.baseAddress! + i * c) }
            }
        }
    }

    /// Rows scaled to unit L2 norm: `x / max(||x||, 1e-12)`, as numpy/sklearn do,
    /// so an all-zero row stays zero instead of becoming NaN.
    public func normalizedRows() -> DenseMatrix {
        var out = self
        out.normalizeRows()
        return out
    }

    /// In-place form of ``normalizedRows()``.
    /// - Complexity: O(`rows * columns`).
    public mutating func normalizeRows() {
        let c = columns
        if c == 0 { return }
        let floor = Scalar(1e-12)
        let r = rows
        withUnsafeMutableBufferPointer { p in
            for i in 0..<r {
                let row = p.baseAddress! + i * c
                let norm = BLAS.nrm2(UnsafePointer(row), count: c)
                BLAS.scal(count: c, alpha: 1 / Swift.max(norm, floor), x: row)
            }
        }
    }
}

extension Array where Element: BLASScalar {
    /// `<self, other>`; counts must be equal (`precondition`).
    public func dot(_ other: [Element]) -> Element {
        precondition(count == other.count, "dot: lengths \(count) and \(other.count) differ")
        if isEmpty { return 0 }
        return withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in BLAS.dot(a.baseAddress!, b.baseAddress!, count: a.count) }
        }
    }

    /// The Euclidean norm `||self||_2` (BLAS nrm2).
    public var euclideanNorm: Element {
        if isEmpty { return 0 }
        return withUnsafeBufferPointer { p in BLAS.nrm2(p.baseAddress!, count: p.count) }
    }
}
