extension DenseMatrix {
    /// `alpha * op(a) * op(b)` through one BLAS `sgemm`; e.g. `multiply(x, w, transB: .transposed)` is `X W^T`.
    ///
    /// An empty inner dimension (`k == 0`) gives the `m x n` zero matrix, as numpy does.
    /// - Parameters:
    ///   - a: the left operand; `op(a)` is `m x k`.
    ///   - b: the right operand; `op(b)` is `k x n`.
    ///   - transA: `.transposed` to use `a^T` (no copy is made).
    ///   - transB: `.transposed` to use `b^T` (no copy is made).
    ///   - alpha: scale of the product (default 1).
    /// - Returns: the `m x n` product.
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:left:right:)`` when the
    ///   inner dimensions differ.
    /// - Complexity: O(`m * n * k`) for an `m x k` times `k x n` product.
    public static func multiply(
        _ a: DenseMatrix, _ b: DenseMatrix,
        transA: Transpose = .none, transB: Transpose = .none,
        alpha: Scalar = 1
    ) throws(LinearAlgebraError) -> DenseMatrix {
        let (m, k) = transA == .none ? (a.rows, a.columns) : (a.columns, a.rows)
        let (kb, n) = transB == .none ? (b.rows, b.columns) : (b.columns, b.rows)
        guard k == kb else {
            throw .shapeMismatch(operation: "multiply", left: Shape(m, k), right: Shape(kb, n))
        }
        var c = DenseMatrix(rows: m, columns: n)
        if m == 0 || n == 0 || k == 0 { return c }
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    BLAS.gemm(
                        transA, transB, m: m, n: n, k: k, alpha: alpha,
                        a: pa.baseAddress!, lda: a.columns,
                        b: pb.baseAddress!, ldb: b.columns,
                        c: pc.baseAddress!, ldc: n)
                }
            }
        }
        return c
    }

    /// `self = alpha * op(a) * op(b) + beta * self`, in place (one BLAS gemm, no temporary).
    ///
    /// With `k == 0` the product is empty and `self` becomes `beta * self`.
    /// - Parameters:
    ///   - a: the left operand; `op(a)` is `rows x k`.
    ///   - b: the right operand; `op(b)` is `k x columns`.
    ///   - transA: `.transposed` to use `a^T`.
    ///   - transB: `.transposed` to use `b^T`.
    ///   - alpha: scale of the product (default 1).
    ///   - beta: scale of the old `self` (default 1: accumulate; 0: overwrite).
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:left:right:)`` when the inner
    ///   dimensions differ or the product is not `rows x columns`; `self` is then unchanged.
    /// - Complexity: O(`rows * columns * k`).
    public mutating func addProduct(
        _ a: DenseMatrix, _ b: DenseMatrix,
        transA: Transpose = .none, transB: Transpose = .none,
        alpha: Scalar = 1, beta: Scalar = 1
    ) throws(LinearAlgebraError) {
        let (m, k) = transA == .none ? (a.rows, a.columns) : (a.columns, a.rows)
        let (kb, n) = transB == .none ? (b.rows, b.columns) : (b.columns, b.rows)
        guard k == kb, m == rows, n == columns else {
            throw .shapeMismatch(operation: "addProduct", left: Shape(m, k), right: Shape(kb, n))
        }
        let ldc = columns
        if m == 0 || n == 0 { return }
        if k == 0 {
            if beta != 1 { for i in storage.indices { storage[i] = beta == 0 ? 0 : beta * storage[i] } }
            return
        }
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                withUnsafeMutableBufferPointer { pc in
                    BLAS.gemm(
                        transA, transB, m: m, n: n, k: k, alpha: alpha,
                        a: pa.baseAddress!, lda: a.columns,
                        b: pb.baseAddress!, ldb: b.columns, beta: beta,
                        c: pc.baseAddress!, ldc: ldc)
                }
            }
        }
    }
}
