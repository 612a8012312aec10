import LinearAlgebra

extension Procrustes {
    /// Rows per block of the streamed warm start: large enough that each sgemm runs near peak, small
    /// enough that the shifted block copies stay at a few tens of MB (1024 x 4096 floats: 16 MB).
    public static let streamingBlockRows = 1024

    /// The thin Procrustes solution read block by block from `x` and `y` (in memory or mapped).
    ///
    /// Two passes over the rows: one accumulating Xc^T Yc (`CrossCovariance`: float32 gemm per
    /// block into a Double sum), then, after the Double SVD of that p x m matrix, one measuring
    /// ||Xc T - Yc||_F^2 with a float32 gemm per block and Double sums of squares. Only O(p m) and
    /// one block of rows are held; no Double copy of the inputs is made. The polar factor stays in
    /// Double (O(p m^2), independent of n), so W is orthonormal to 1e-12 as on the in-memory path.
    /// Never refines (thin solution only): the majorization needs X^T X and the full Xc.
    /// - Throws: ``AlignmentError/empty(what:)``, ``AlignmentError/shapeMismatch(operation:expected:got:)``,
    ///   ``AlignmentError/nonFinite(what:)`` for NaN/infinity in either side, LAPACK failures.
    /// - Complexity: O(n p m) in two sgemm passes, plus O(p m^2) for the SVD.
    public static func fitStreaming(
        source x: some RowMatrix, target y: some RowMatrix, centering: Centering = .mean,
        blockRows: Int = streamingBlockRows
    ) throws(AlignmentError) -> ProcrustesFit {
        guard x.rows == y.rows else {
            throw .shapeMismatch(operation: "Procrustes", expected: "\(x.rows) target rows", got: "\(y.rows)")
        }
        let fits = try fitStreaming(
            source: RowSelection(x), target: RowSelection(y), centerings: [centering], measureObjective: true,
            blockRows: blockRows)
        let fit = fits[centering]!
        return ProcrustesFit(
            map: fit.map, mapD: fit.mapD, thinObjective: fit.objective!, objective: fit.objective!,
            iterations: 0, lastRelativeDecrease: nil)
    }

    /// A thin solution of ``fitStreaming(source:target:centerings:measureObjective:blockRows:)``.
    public struct StreamedFit: Sendable {
        /// The map, family ``MapFamily/orthogonal`` (``MapFamily/linear`` from the whitened fit).
        public var map: AffineMap<Float>
        /// The same map in Double.
        public var mapD: AffineMap<Double>
        /// ||Xc W^T - Yc||_F^2 in Double, when measured.
        public var objective: Double?
    }

    /// The thin solutions for each of `centerings` from one pass over selected rows (nothing copied
    /// but one block at a time): with both centerings the uncentred X^T Y is recovered from the
    /// centred pass's sums (`CrossCovariance`), so the guardrail's variants cost no second pass.
    /// The objective takes a second pass per centering (as long as the first), so it is optional.
    /// - Throws: as ``fitStreaming(source:target:centering:blockRows:)``.
    /// - Complexity: O(n p m) per pass, plus O(p m^2) per centering.
    public static func fitStreaming(
        source x: RowSelection, target y: RowSelection, centerings: Set<Centering>, measureObjective: Bool,
        blockRows: Int = streamingBlockRows
    ) throws(AlignmentError) -> [Centering: StreamedFit] {
        try validateStreamed(x, y, blockRows: blockRows)
        precondition(!centerings.isEmpty, "no centering asked for")
        let accumulator = try CrossCovariance.accumulated(
            source: x, target: y, centering: centerings.contains(.mean) ? .mean : .none, blockRows: blockRows)
        return try thinFits(
            accumulator, source: x, target: y, centerings: centerings, measureObjective: measureObjective,
            blockRows: blockRows)
    }

    /// Shapes and block size of a streamed fit, checked before the pass.
    static func validateStreamed(_ x: RowSelection, _ y: RowSelection, blockRows: Int) throws(AlignmentError) {
        guard x.count == y.count else {
            throw .shapeMismatch(operation: "Procrustes", expected: "\(x.count) target rows", got: "\(y.count)")
        }
        guard x.count > 0, x.columns > 0, y.columns > 0 else { throw .empty(what: "Procrustes input") }
        guard blockRows > 0 else {
            throw .invalidParameter(name: "block rows", value: "\(blockRows)", reason: "expected a positive count")
        }
    }

    /// The thin solutions for each of `centerings` from a pass already made (`accumulator`, centred when
    /// `centerings` holds `.mean`); the objective takes a second pass per centering when measured.
    static func thinFits(
        _ accumulator: CrossCovariance, source x: RowSelection, target y: RowSelection, centerings: Set<Centering>,
        measureObjective: Bool, blockRows: Int = streamingBlockRows
    ) throws(AlignmentError) -> [Centering: StreamedFit] {
        let p = x.columns, m = y.columns
        var fits: [Centering: StreamedFit] = [:]
        for centering in Centering.allCases where centerings.contains(centering) {
            let cross = centering == .mean ? accumulator.matrix : accumulator.uncentredMatrix
            // T = W^T = polar(M) (p x m), from the small Gram matrix when M is well conditioned: 0.5 s
            // instead of gesdd's 1.3 s at 4096 x 1024 (docs/benchmarks.md).
            let t = try wrapLinearAlgebra { () throws(LinearAlgebraError) in try polar(cross) }
            let zeros = ([Double](repeating: 0, count: p), [Double](repeating: 0, count: m))
            let (meanX, meanY) = centering == .mean ? accumulator.means : zeros
            let objective =
                measureObjective
                ? streamedResidual(x, y, t: t, meanX: meanX, meanY: meanY, blockRows: blockRows) : nil
            let weight = t.transposed  // m x p
            let mapD = AffineMap<Double>(
                unchecked: weight, bias: bias(weight: weight, meanX: meanX, meanY: meanY, centering: centering),
                family: .orthogonal)
            fits[centering] = StreamedFit(map: mapD.converted(to: Float.self), mapD: mapD, objective: objective)
        }
        return fits
    }

    /// polar(M): ``polarByGram(_:)`` when M is well conditioned, else the SVD's (?gesdd).
    static func polar(_ cross: MatrixD) throws(LinearAlgebraError) -> MatrixD {
        if let polar = try polarByGram(cross) { return polar }
        return try cross.polarFactor()
    }

    /// polar(M) = M (M^T M)^{-1/2} (p >= m) or (M M^T)^{-1/2} M, from the eigendecomposition (?syevd)
    /// of the small Gram matrix: three gemms and one k x k eigensolver, k = min(p, m). Squaring M squares
    /// its condition number, so the rounding error is about 1e-16 kappa(M)^2: nil (use gesdd) when
    /// kappa(M) > 100, where that could exceed 1e-12.
    static func polarByGram(_ cross: MatrixD) throws(LinearAlgebraError) -> MatrixD? {
        let tall = cross.rows >= cross.columns
        let gram =
            tall
            ? try MatrixD.multiply(cross, cross, transA: .transposed)
            : try MatrixD.multiply(cross, cross, transB: .transposed)
        let eigen = try gram.symmetricEigen()
        guard let largest = eigen.eigenvalues.last, largest > 0, eigen.eigenvalues[0] >= 1e-4 * largest else {
            return nil
        }
        let e = eigen.eigenvectors  // rows: eigenvectors
        let k = e.rows
        if tall {
            var b = try MatrixD.multiply(cross, e, transB: .transposed)  // M E^T, p x k
            b.withUnsafeMutableBufferPointer { q in
                for i in 0..<cross.rows { for j in 0..<k { q[i * k + j] /= eigen.eigenvalues[j].squareRoot() } }
            }
            return try MatrixD.multiply(b, e)
        }
        var b = try MatrixD.multiply(e, cross)  // E M, k x m
        b.withUnsafeMutableBufferPointer { q in
            let m = cross.columns
            for i in 0..<k { let s = 1 / eigen.eigenvalues[i].squareRoot(); for j in 0..<m { q[i * m + j] *= s } }
        }
        return try MatrixD.multiply(e, b, transA: .transposed)
    }

    /// b = mean(Y) - W mean(X) with centring, else 0.
    static func bias(weight: MatrixD, meanX: [Double], meanY: [Double], centering: Centering) -> [Double] {
        guard centering == .mean else { return [Double](repeating: 0, count: weight.rows) }
        var bias = meanY
        weight.withUnsafeBufferPointer { w in
            meanX.withUnsafeBufferPointer { mx in
                bias.withUnsafeMutableBufferPointer { b in
                    BLAS.gemv(
                        .none, rows: weight.rows, columns: weight.columns, alpha: -1, a: w.baseAddress!,
                        lda: weight.columns, x: mx.baseAddress!, beta: 1, y: b.baseAddress!)
                }
            }
        }
        return bias
    }

    /// ||(X - 1 meanX^T) T - (Y - 1 meanY^T)||_F^2 block by block: the centred rows in float32, one
    /// sgemm R = Xc T - Yc per block, squares summed in Double.
    static func streamedResidual(
        _ x: RowSelection, _ y: RowSelection, t: MatrixD, meanX: [Double], meanY: [Double], blockRows: Int
    ) -> Double {
        let n = x.count, p = x.columns, m = y.columns
        let tf = t.converted(to: Float.self)
        let shiftX = meanX.map { Float($0) }, shiftY = meanY.map { Float($0) }
        var blockX: [Float] = [], blockY: [Float] = []
        var ignoredX = [Double](repeating: 0, count: p), ignoredY = [Double](repeating: 0, count: m)
        var total = 0.0
        x.table.withUnsafeBufferPointer { xs in
            y.table.withUnsafeBufferPointer { ys in
                for start in stride(from: 0, to: n, by: blockRows) {
                    let rows = min(blockRows, n - start)
                    CrossCovariance.shifted(
                        { xs.baseAddress! + x.tableRow(start + $0) * p }, rows: rows, columns: p, by: shiftX,
                        into: &blockX, sums: &ignoredX)
                    CrossCovariance.shifted(
                        { ys.baseAddress! + y.tableRow(start + $0) * m }, rows: rows, columns: m, by: shiftY,
                        into: &blockY, sums: &ignoredY)
                    blockX.withUnsafeBufferPointer { bx in
                        tf.withUnsafeBufferPointer { tp in
                            blockY.withUnsafeMutableBufferPointer { r in
                                BLAS.gemm(
                                    .none, .none, m: rows, n: m, k: p, a: bx.baseAddress!, lda: p,
                                    b: tp.baseAddress!, ldb: m, beta: -1, c: r.baseAddress!, ldc: m)
                                var sum = 0.0
                                for k in 0..<(rows * m) { sum += Double(r[k]) * Double(r[k]) }
                                total += sum
                            }
                        }
                    }
                }
            }
        }
        return total
    }
}
