import LinearAlgebra

extension HybridMap {
    /// `X W^T + Y V^T + 1 b^T` (`n x m`, not normalized): row i of `x` (`n x p`, query model) and row i
    /// of `y` (`n x m`, index model) embed the same query.
    /// - Throws: ``AlignmentError/shapeMismatch(operation:expected:got:)`` when a width or the row counts differ.
    /// - Complexity: O(`n m (p + m)`), two gemms into one output.
    public func apply(queries x: DenseMatrix<Scalar>, indexQueries y: DenseMatrix<Scalar>) throws(AlignmentError)
        -> DenseMatrix<Scalar>
    {
        let p = sourceDimension, m = targetDimension
        guard x.columns == p else {
            throw .shapeMismatch(
                operation: "HybridMap.apply", expected: "query-model rows of \(p) values", got: "\(x.shape)")
        }
        guard y.columns == m else {
            throw .shapeMismatch(
                operation: "HybridMap.apply", expected: "index-model rows of \(m) values", got: "\(y.shape)")
        }
        guard y.rows == x.rows else {
            throw .shapeMismatch(
                operation: "HybridMap.apply", expected: "\(x.rows) index-model query rows (one per query)",
                got: "\(y.rows)")
        }
        let n = x.rows
        var out = DenseMatrix<Scalar>(rows: n, columns: m)
        guard n > 0 else { return out }
        out.withUnsafeMutableBufferPointer { po in
            let u = po.baseAddress!
            bias.withUnsafeBufferPointer { pb in
                for i in 0..<n { (u + i * m).update(from: pb.baseAddress!, count: m) }
            }
            x.withUnsafeBufferPointer { px in
                weight.withUnsafeBufferPointer { pw in
                    BLAS.gemm(
                        .none, .transposed, m: n, n: m, k: p, a: px.baseAddress!, lda: p, b: pw.baseAddress!,
                        ldb: p, beta: 1, c: u, ldc: m)
                }
            }
            y.withUnsafeBufferPointer { py in
                indexWeight.withUnsafeBufferPointer { pv in
                    BLAS.gemm(
                        .none, .transposed, m: n, n: m, k: m, a: py.baseAddress!, lda: m, b: pv.baseAddress!,
                        ldb: m, beta: 1, c: u, ldc: m)
                }
            }
        }
        return out
    }

    /// `normalize(X W^T + Y V^T + 1 b^T)`: unit rows ready to score against the index; a row that
    /// maps to zero stays zero (it scores 0 against every document).
    /// - Complexity: O(`n m (p + m)`).
    public func applyNormalized(queries x: DenseMatrix<Scalar>, indexQueries y: DenseMatrix<Scalar>)
        throws(AlignmentError) -> DenseMatrix<Scalar>
    {
        var out = try apply(queries: x, indexQueries: y)
        out.normalizeRows()
        return out
    }
}

/// `[x y]`: row i of `x` followed by row i of `y` (the input of ``HybridMap/concatenated``).
/// - Complexity: O(`n (p + m)`) copies.
public func concatenateRows<S: BLASScalar>(_ x: DenseMatrix<S>, _ y: DenseMatrix<S>) -> DenseMatrix<S> {
    precondition(x.rows == y.rows, "concatenated inputs need equal row counts")
    let n = x.rows, p = x.columns, m = y.columns, width = p + m
    var out = DenseMatrix<S>(rows: n, columns: width)
    guard n > 0 else { return out }
    x.withUnsafeBufferPointer { px in
        y.withUnsafeBufferPointer { py in
            out.withUnsafeMutableBufferPointer { po in
                for i in 0..<n {
                    (po.baseAddress! + i * width).update(from: px.baseAddress! + i * p, count: p)
                    (po.baseAddress! + i * width + p).update(from: py.baseAddress! + i * m, count: m)
                }
            }
        }
    }
    return out
}

/// The inverse of ``concatenateRows(_:_:)``: the first `p` columns of each row of `xy` (`x`, the query
/// model's vector in a hybrid's `[x y]` rows) and the rest (`y`).
/// - Complexity: O(`n (p + m)`) copies.
public func splitColumns(_ xy: any RowMatrix, at p: Int) -> (x: Matrix, y: Matrix) {
    let n = xy.rows, width = xy.columns
    precondition((0...width).contains(p), "split point outside the row")
    var x = Matrix(rows: n, columns: p), y = Matrix(rows: n, columns: width - p)
    xy.withUnsafeBufferPointer { source in
        x.withUnsafeMutableBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                for i in 0..<n {
                    if p > 0 { (px.baseAddress! + i * p).update(from: source.baseAddress! + i * width, count: p) }
                    if width > p {
                        (py.baseAddress! + i * (width - p)).update(
                            from: source.baseAddress! + i * width + p, count: width - p)
                    }
                }
            }
        }
    }
    return (x, y)
}
