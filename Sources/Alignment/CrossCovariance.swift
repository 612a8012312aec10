import LinearAlgebra

/// X^T Y (centred or not) accumulated over row blocks, so the Procrustes warm start never holds a
/// Double copy of its inputs: at 20,000 pairs of 4096 -> 1024 that copy alone was 820 MB.
///
/// Each block is one float32 gemm (the hot loop in BLAS) whose p x m result is added into a Double
/// accumulator: float32 rounding then grows with the block's rows only, not with n, while the
/// Double adds cost O(p m) per block against the gemm's O(rows p m).
///
/// Centring uses shifted data: every row has the first block's column mean subtracted before the
/// gemm, and at the end Xc^T Yc = S - n dx dy^T with dx, dy the means of the shifted rows. The plain
/// identity X^T Y - n xbar ybar^T cancels catastrophically when the means are large (anisotropic
/// models put every vector near one direction); after the shift dx and dy are small.
struct CrossCovariance {
    let p: Int
    let m: Int
    let centering: Centering
    private(set) var count = 0
    /// Subtracted from every row (the first block's column means; zeros without centring).
    private var shiftX: [Float]
    private var shiftY: [Float]
    /// Column sums of the shifted rows, in Double.
    private var sumX: [Double]
    private var sumY: [Double]
    /// Sum over blocks of (X - shift)^T (Y - shift), p x m.
    private var cross: [Double]
    /// Sum over blocks of (X - shift)^T (X - shift), p x p, when asked for (the whitened warm start).
    private var gram: [Double]?
    private var gramProduct: [Float] = []
    /// One block's float32 product and its shifted rows.
    private var product: [Float]
    private var blockX: [Float] = []
    private var blockY: [Float] = []

    /// - Parameter sourceGram: also accumulate X^T X (``sourceGramMatrix``): one more p x p sgemm per block.
    init(p: Int, m: Int, centering: Centering, sourceGram: Bool = false) {
        self.p = p
        self.m = m
        self.centering = centering
        if sourceGram {
            gram = [Double](repeating: 0, count: p * p)
            gramProduct = [Float](repeating: 0, count: p * p)
        }
        shiftX = [Float](repeating: 0, count: p)
        shiftY = [Float](repeating: 0, count: m)
        sumX = [Double](repeating: 0, count: p)
        sumY = [Double](repeating: 0, count: m)
        cross = [Double](repeating: 0, count: p * m)
        product = [Float](repeating: 0, count: p * m)
    }

    /// Adds `rows` rows of X (`rows x p`) and Y (`rows x m`), row-major and contiguous.
    /// - Complexity: O(rows p m) in one sgemm, plus O(rows (p + m) + p m).
    mutating func add(x: UnsafePointer<Float>, y: UnsafePointer<Float>, rows: Int) {
        let (p, m) = (p, m)
        add(rows: rows, x: { x + $0 * p }, y: { y + $0 * m })
    }

    /// Adds `rows` rows whose values start at `x(i)` (p values) and `y(i)` (m values): rows picked from
    /// a larger table are read in place, shifted into the block buffers as they are copied.
    mutating func add(
        rows: Int, x: (Int) -> UnsafePointer<Float>, y: (Int) -> UnsafePointer<Float>
    ) {
        guard rows > 0 else { return }
        if centering == .mean && count == 0 {
            shiftX = Self.columnMeans(x, rows: rows, columns: p)
            shiftY = Self.columnMeans(y, rows: rows, columns: m)
        }
        Self.shifted(x, rows: rows, columns: p, by: shiftX, into: &blockX, sums: &sumX)
        Self.shifted(y, rows: rows, columns: m, by: shiftY, into: &blockY, sums: &sumY)
        Self.addProduct(of: blockX, columns: p, and: blockY, columns: m, rows: rows, into: &cross, scratch: &product)
        if gram != nil {
            Self.addProduct(
                of: blockX, columns: p, and: blockX, columns: p, rows: rows, into: &gram!, scratch: &gramProduct)
        }
        count += rows
    }

    /// sums += Aᵀ B for row-major blocks A (`rows x a`) and B (`rows x b`): one float32 gemm into
    /// `scratch`, added into the Double `sums`.
    private static func addProduct(
        of left: [Float], columns a: Int, and right: [Float], columns b: Int, rows: Int, into sums: inout [Double],
        scratch: inout [Float]
    ) {
        left.withUnsafeBufferPointer { l in
            right.withUnsafeBufferPointer { r in
                scratch.withUnsafeMutableBufferPointer { c in
                    BLAS.gemm(
                        .transposed, .none, m: a, n: b, k: rows, a: l.baseAddress!, lda: a,
                        b: r.baseAddress!, ldb: b, c: c.baseAddress!, ldc: b)
                }
            }
        }
        scratch.withUnsafeBufferPointer { c in
            sums.withUnsafeMutableBufferPointer { s in
                for k in 0..<s.count { s[k] += Double(c[k]) }
            }
        }
    }

    /// Whether every row added so far was finite (a NaN or infinity poisons the column sums).
    var sourceIsFinite: Bool { sumX.allSatisfy(\.isFinite) }
    var targetIsFinite: Bool { sumY.allSatisfy(\.isFinite) }

    /// Column means of X and Y (zeros without centring).
    var means: (x: [Double], y: [Double]) {
        guard centering == .mean, count > 0 else {
            return ([Double](repeating: 0, count: p), [Double](repeating: 0, count: m))
        }
        let n = Double(count)
        return (
            (0..<p).map { Double(shiftX[$0]) + sumX[$0] / n },
            (0..<m).map { Double(shiftY[$0]) + sumY[$0] / n }
        )
    }

    /// Xc^T Yc (p x m): the shifted sum less n dx dy^T (nothing to subtract without centring).
    var matrix: MatrixD { centred(cross, left: sumX, right: sumY) }

    /// Xc^T Xc (p x p; X^T X without centring), by the same shifted-sum identity as ``matrix``; nil
    /// unless asked for at init.
    var sourceGramMatrix: MatrixD? { gram.map { centred($0, left: sumX, right: sumX) } }

    /// A shifted sum of products (rows: `left`'s columns, columns: `right`'s) less n dl drᵀ, with dl and dr
    /// the means of the shifted rows (the column sums `left` and `right` over n).
    private func centred(_ sums: [Double], left: [Double], right: [Double]) -> MatrixD {
        let rows = left.count, columns = right.count
        var result = MatrixD(rows: rows, columns: columns, storage: sums)
        guard centering == .mean, count > 0 else { return result }
        let n = Double(count)
        let dl = left.map { $0 / n }, dr = right.map { $0 / n }
        result.withUnsafeMutableBufferPointer { r in
            for i in 0..<rows {
                let scaled = n * dl[i]
                for j in 0..<columns { r[i * columns + j] -= scaled * dr[j] }
            }
        }
        return result
    }

    /// X^T Y without centring (p x m), from the same shifted sums: with s, t the shifts and S the
    /// shifted sum, X^T Y = S + (sum of shifted x) t^T + s (sum of shifted y)^T + n s t^T. Only adds
    /// back what was subtracted, so no cancellation. Lets one pass give both guardrail variants.
    var uncentredMatrix: MatrixD {
        var result = MatrixD(rows: p, columns: m, storage: cross)
        guard centering == .mean, count > 0 else { return result }
        let n = Double(count)
        let sx = shiftX.map(Double.init), sy = shiftY.map(Double.init)
        result.withUnsafeMutableBufferPointer { r in
            for i in 0..<p {
                for j in 0..<m { r[i * m + j] += sumX[i] * sy[j] + sx[i] * sumY[j] + n * sx[i] * sy[j] }
            }
        }
        return result
    }

    /// One pass over the selected rows of `x` and `y`, `blockRows` at a time (nothing copied but one block).
    /// - Throws: ``AlignmentError/nonFinite(what:)`` when a row of either side is not finite.
    static func accumulated(
        source x: RowSelection, target y: RowSelection, centering: Centering, sourceGram: Bool = false,
        blockRows: Int
    ) throws(AlignmentError) -> CrossCovariance {
        let n = x.count, p = x.columns, m = y.columns
        var accumulator = CrossCovariance(p: p, m: m, centering: centering, sourceGram: sourceGram)
        x.table.withUnsafeBufferPointer { xs in
            y.table.withUnsafeBufferPointer { ys in
                for start in stride(from: 0, to: n, by: blockRows) {
                    accumulator.add(
                        rows: min(blockRows, n - start), x: { xs.baseAddress! + x.tableRow(start + $0) * p },
                        y: { ys.baseAddress! + y.tableRow(start + $0) * m })
                }
            }
        }
        guard accumulator.sourceIsFinite else { throw .nonFinite(what: "Procrustes source") }
        guard accumulator.targetIsFinite else { throw .nonFinite(what: "Procrustes target") }
        return accumulator
    }

    /// Copies `rows x columns` values less `shift` (per column) into `block`, adding each column's sum;
    /// row `i` starts at `source(i)`.
    static func shifted(
        _ source: (Int) -> UnsafePointer<Float>, rows: Int, columns: Int, by shift: [Float],
        into block: inout [Float], sums: inout [Double]
    ) {
        if block.count < rows * columns { block = [Float](repeating: 0, count: rows * columns) }
        block.withUnsafeMutableBufferPointer { out in
            sums.withUnsafeMutableBufferPointer { s in
                shift.withUnsafeBufferPointer { c in
                    for i in 0..<rows {
                        let row = source(i), dst = out.baseAddress! + i * columns
                        for j in 0..<columns {
                            let v = row[j] - c[j]
                            dst[j] = v
                            s[j] += Double(v)
                        }
                    }
                }
            }
        }
    }

    static func columnMeans(_ source: (Int) -> UnsafePointer<Float>, rows: Int, columns: Int) -> [Float] {
        var sums = [Double](repeating: 0, count: columns)
        for i in 0..<rows {
            let row = source(i)
            for j in 0..<columns { sums[j] += Double(row[j]) }
        }
        return sums.map { Float($0 / Double(rows)) }
    }
}
