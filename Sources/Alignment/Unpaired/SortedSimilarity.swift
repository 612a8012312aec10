import LinearAlgebra

/// A correspondence-free description of each row (VecMap's unsupervised start, Artetxe et al.,
/// ACL 2018): the row of the square root of the Gram matrix, `sqrt(X X^T) = U S U^T` for the thin
/// SVD `X = U S V^T`, sorted in descending order, then normalized, centred and normalized.
///
/// An orthogonal change of basis of X leaves `X X^T`, hence every description, unchanged: two
/// models that see the same texts with nearly isometric geometry give nearly equal descriptions of
/// the same text, whatever their dimensions. The descriptions of two samples can be compared only
/// when the samples have the same size (each description has one entry per row of its sample).
enum SortedSimilarity {
    /// The `n x n` descriptions of the `n` rows of `rows`.
    /// - Throws: ``AlignmentError/linearAlgebra(_:)`` when the SVD fails.
    /// - Complexity: O(`n d min(n, d)`) for the SVD, O(`n^2 min(n, d)`) for the product, O(`n^2 log n`) sorting.
    static func describe(_ rows: Matrix) throws(AlignmentError) -> Matrix {
        let svd = try wrapLinearAlgebra { () throws(LinearAlgebraError) in try rows.svd() }
        var scaled = svd.u  // n x r
        let r = svd.singularValues.count, n = rows.rows
        scaled.withUnsafeMutableBufferPointer { u in
            for i in 0..<n { for t in 0..<r { u[i * r + t] *= svd.singularValues[t] } }
        }
        var root = try wrapLinearAlgebra { () throws(LinearAlgebraError) in
            try Matrix.multiply(scaled, svd.u, transB: .transposed)
        }
        root.withUnsafeMutableBufferPointer { values in
            for i in 0..<n {
                var row = UnsafeMutableBufferPointer(rebasing: values[(i * n)..<((i + 1) * n)])
                row.sort(by: >)
            }
        }
        root.normalizeRows()
        let means = root.columnMeans()
        try! root.subtractFromEachRow(means)  // the widths agree by construction
        root.normalizeRows()
        return root
    }
}
