import LinearAlgebra

/// How the affine warm start treats the means of the two embedding sets.
///
/// Some models put every vector near one large common direction (anisotropy; E5-family models are
/// known for it). Raw Procrustes between such a space and an isotropic one must send that common
/// direction somewhere (an orthogonal map keeps its length), so every mapped query carries the same
/// large component and retrieval collapses. Centering removes it: the map is fitted between
/// mean-free clouds and the bias restores the index's mean, `b = mean(Y) - W mean(X)`.
/// That is the sound default; `.none` reproduces textbook (and numpy-peer) raw Procrustes, `b = 0`.
public enum Centering: String, Sendable, Hashable, Codable, CaseIterable {
    /// No centering, no bias: W from the raw `X^T Y`.
    case none
    /// Subtract column means first; `b = mean(Y) - W mean(X)` (default).
    case mean
}

/// The column means of `x` (zeros for `.none`) and the centered copy, in Double.
struct CenteredMatrix: Sendable {
    var values: MatrixD
    var mean: [Double]

    init(_ x: Matrix, centering: Centering) {
        var values = MatrixD(rows: x.rows, columns: x.columns)
        x.withUnsafeBufferPointer { src in
            values.withUnsafeMutableBufferPointer { dst in
                for k in 0..<src.count { dst[k] = Double(src[k]) }
            }
        }
        var mean = [Double](repeating: 0, count: x.columns)
        if centering == .mean, x.rows > 0 {
            mean = values.columnMeans()
            let columns = x.columns
            values.withUnsafeMutableBufferPointer { p in
                for i in 0..<x.rows {
                    let row = p.baseAddress! + i * columns
                    for j in 0..<columns { row[j] -= mean[j] }
                }
            }
        }
        self.values = values
        self.mean = mean
    }
}
