import Foundation
import LinearAlgebra

// Row-wise kernels shared by the losses. They work on raw row-major buffers owned by the
// caller (a loss's workspace), so a training step allocates nothing.

/// `x[i] = exp(x[i])` for `count` elements, with the libm routine of the scalar's own precision.
@inline(__always)
func expInPlace<S: BLASScalar>(_ x: UnsafeMutablePointer<S>, count: Int) {
    if S.self == Float.self {
        let f = UnsafeMutableRawPointer(x).assumingMemoryBound(to: Float.self)
        for i in 0..<count { f[i] = Foundation.expf(f[i]) }
    } else if S.self == Double.self {
        let d = UnsafeMutableRawPointer(x).assumingMemoryBound(to: Double.self)
        for i in 0..<count { d[i] = Foundation.exp(d[i]) }
    } else {
        for i in 0..<count { x[i] = S(Foundation.exp(Double(x[i]))) }
    }
}

/// Natural logarithm in the scalar's precision.
@inline(__always)
func naturalLog<S: BLASScalar>(_ x: S) -> S {
    S(Foundation.log(Double(x)))
}

/// Exponential in the scalar's precision (outside hot loops; those use ``expInPlace(_:count:)``).
@inline(__always)
func naturalExp<S: BLASScalar>(_ x: S) -> S {
    S(Foundation.exp(Double(x)))
}

/// `z_i = u_i / ||u_i||` for `rows` rows of length `m`; `norms[i] = ||u_i||`.
/// Throws ``AlignmentError/zeroNormOutput(row:)`` for a zero row and
/// ``AlignmentError/nonFinite(what:)`` for a non-finite norm (a diverged map).
func normalizeRows<S: BLASScalar>(
    _ u: UnsafePointer<S>, rows: Int, m: Int, into z: UnsafeMutablePointer<S>, norms: UnsafeMutablePointer<S>
) throws(AlignmentError) {
    for i in 0..<rows {
        let norm = BLAS.nrm2(u + i * m, count: m)
        guard norm.isFinite else { throw .nonFinite(what: "mapped row \(i)") }
        guard norm > 0 else { throw .zeroNormOutput(row: i) }
        norms[i] = norm
        let inv = 1 / norm
        let src = u + i * m, dst = z + i * m
        for j in 0..<m { dst[j] = src[j] * inv }
    }
}

/// Back through `z = u / ||u||`: `du_i = (dz_i - z_i <z_i, dz_i>) / ||u_i||`, written over `dz`.
func normalizationBackward<S: BLASScalar>(
    z: UnsafePointer<S>, norms: UnsafePointer<S>, rows: Int, m: Int, gradient dz: UnsafeMutablePointer<S>
) {
    for i in 0..<rows {
        let zi = z + i * m, gi = dz + i * m
        let projection = BLAS.dot(zi, UnsafePointer(gi), count: m)
        let inv = 1 / norms[i]
        for j in 0..<m { gi[j] = (gi[j] - zi[j] * projection) * inv }
    }
}

/// The parameter gradient of an affine map from the output gradient:
/// `dW = dU^T X` (`m x p`, one gemm) and `db = sum_i dU_i`.
func affineBackward<S: BLASScalar>(
    du: UnsafePointer<S>, x: UnsafePointer<S>, rows: Int, p: Int, m: Int, into gradient: inout MapGradient<S>
) {
    gradient.weight.withUnsafeMutableBufferPointer { gw in
        BLAS.gemm(
            .transposed, .none, m: m, n: p, k: rows, a: du, lda: m, b: x, ldb: p,
            c: gw.baseAddress!, ldc: p)
    }
    gradient.bias.withUnsafeMutableBufferPointer { gb in
        let b = gb.baseAddress!
        b.update(repeating: 0, count: m)
        for i in 0..<rows {
            let row = du + i * m
            for j in 0..<m { b[j] += row[j] }
        }
    }
}

/// Grows `buffer` to at least `count` elements (contents unspecified); a training loop keeps
/// the largest allocation and reuses it.
@inline(__always)
func reserve<S: BLASScalar>(_ buffer: inout [S], _ count: Int) {
    if buffer.count < count { buffer = [S](repeating: 0, count: count) }
}

/// ``Swift/UnsafeBufferPointer/allFinite`` (LinearAlgebra) for arrays, matrices and selections.
func allFinite<S: BLASScalar>(_ values: UnsafeBufferPointer<S>) -> Bool { values.allFinite }

func allFinite<S: BLASScalar>(_ values: [S]) -> Bool {
    values.withUnsafeBufferPointer { allFinite($0) }
}

func allFinite<S: BLASScalar>(_ matrix: DenseMatrix<S>) -> Bool {
    matrix.withUnsafeBufferPointer { allFinite($0) }
}

/// `g[k] += twoLambda * (w[k] - w1[k])` for `count` elements; returns `sum_k (w[k] - w1[k])^2`.
/// The penalty of stage two runs this over every weight on every step (m x (p + m) for hybrids), so
/// Float gets 16 independent lanes: the scalar loop's running sum is one serial chain and does not
/// vectorize (it was a fifth of a hybrid adapt's time).
@inline(__always)
func addSquaredDistanceGradient<S: BLASScalar>(
    _ w: UnsafePointer<S>, _ w1: UnsafePointer<S>, _ g: UnsafeMutablePointer<S>, count: Int, twoLambda: S
) -> S {
    var start = 0
    var total: S = 0
    if S.self == Float.self {
        start = count - count % 16
        let pw = UnsafeRawPointer(w), p1 = UnsafeRawPointer(w1), pg = UnsafeMutableRawPointer(g)
        let scale = SIMD16<Float>(repeating: Float(twoLambda))
        var lanes = SIMD16<Float>(repeating: 0)
        for offset in stride(from: 0, to: start * 4, by: 64) {
            let d =
                pw.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
                - p1.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
            lanes += d * d
            let updated = pg.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self) + scale * d
            pg.storeBytes(of: updated, toByteOffset: offset, as: SIMD16<Float>.self)
        }
        total = S(lanes.sum())
    }
    for k in start..<count {
        let d = w[k] - w1[k]
        g[k] += twoLambda * d
        total += d * d
    }
    return total
}

/// Whether every selected row is finite (a selection of every row is checked as one buffer).
func allFinite(_ rows: RowSelection) -> Bool {
    let columns = rows.columns
    return rows.table.withUnsafeBufferPointer { values in
        if rows.indices == nil { return allFinite(values) }
        for i in 0..<rows.count {
            let start = rows.tableRow(i) * columns
            if !allFinite(UnsafeBufferPointer(rebasing: values[start..<(start + columns)])) { return false }
        }
        return true
    }
}
