import LinearAlgebra

/// One side of an unpaired problem as the matching sees it: every row normalized, centred and
/// normalized again (the centring removes the direction that anisotropic models share, so that
/// nearest neighbours follow the geometry and not the common offset).
///
/// `mean` is the column mean of the normalized rows: the bias a map learned on these rows needs.
struct UnpairedSpace: Sendable {
    /// `n x d`, unit rows.
    var rows: Matrix
    /// The mean of the once-normalized rows (`d` values).
    var mean: [Float]
    /// Row `i` of `rows` is row `tableRows[i]` of the caller's table.
    var tableRows: [Int]

    var count: Int { rows.rows }
    var dimension: Int { rows.columns }

    /// Copies `tableRows` of `table` and prepares them.
    /// - Complexity: O(`tableRows.count * columns`).
    init(_ table: any RowMatrix, rows tableRows: [Int]) {
        var copied = table.gatherRows(tableRows)
        copied.normalizeRows()
        let means = copied.columnMeans()
        try! copied.subtractFromEachRow(means)  // the widths agree by construction
        copied.normalizeRows()
        rows = copied
        mean = means
        self.tableRows = tableRows
    }

    /// The null problem of this side: Gaussian rows with the same mean and covariance
    /// (seeded). It keeps everything a linear map could match on, the shared anisotropy included,
    /// and nothing finer: a match that this null reaches as well rests on the covariance alone,
    /// which does not tell the rows apart.
    static func covarianceMatched(_ table: any RowMatrix, rows tableRows: [Int], seed: UInt64) throws(AlignmentError)
        -> UnpairedSpace
    {
        var original = table.gatherRows(tableRows)
        let n = original.rows, d = original.columns
        let means = original.columnMeans()
        try! original.subtractFromEachRow(means)  // the widths agree by construction
        let svd = try wrapLinearAlgebra { () throws(LinearAlgebraError) in try original.svd() }
        var generator = SplitMix64(seed: seed, stream: .nullProblem)
        let r = svd.singularValues.count
        var gaussian = Matrix(rows: n, columns: r)
        gaussian.withUnsafeMutableBufferPointer { g in for i in 0..<(n * r) { g[i] = Float(generator.nextNormal()) } }
        var scaled = svd.vt  // r x d
        scaled.withUnsafeMutableBufferPointer { v in
            let norm = 1 / Float(max(n, 1)).squareRoot()
            for t in 0..<r { for j in 0..<d { v[t * d + j] *= svd.singularValues[t] * norm } }
        }
        var sampled = try wrapLinearAlgebra { () throws(LinearAlgebraError) in try Matrix.multiply(gaussian, scaled) }
        try! sampled.addToEachRow(means)
        return UnpairedSpace(sampled, rows: Array(0..<n), keeping: tableRows)
    }

    private init(_ matrix: Matrix, rows: [Int], keeping tableRows: [Int]) {
        self.init(matrix, rows: rows)
        self.tableRows = tableRows
    }
}
