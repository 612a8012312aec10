extension DenseMatrix {
    /// `alpha * op(a) * op(b)` through one BLAS `sgemm`; e.g. `multiply(x, w, transB: .transposed)` is `X W^T`.
    ///
    /// Throws ``LinearAlgebraError/shapeMismatch(operation:left:right:)`` when the
    /// inner dimensions differ.
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
                    BLAS.gemm(transA, transB, m: m, n: n, k: k, alpha: alpha,
                              a: pa.baseAddress!, lda: a.columns,
                              b: pb.baseAddress!, ldb: b.columns,
                              c: pc.baseAddress!, ldc: n)
                }
            }
        }
        return c
    }

    /// `self = alpha * op(a) * op(b) + beta * self`, in place.
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
                    BLAS.gemm(transA, transB, m: m, n: n, k: k, alpha: alpha,
                              a: pa.baseAddress!, lda: a.columns,
                              b: pb.baseAddress!, ldb: b.columns, beta: beta,
                              c: pc.baseAddress!, ldc: ldc)
                }
            }
        }
    }
}
