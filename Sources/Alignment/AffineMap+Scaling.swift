import LinearAlgebra

extension AffineMap where Scalar == Float {
    /// The map scaled by `s` about the point `center` of the source space:
    /// f_s(x) = f(c) + s (f(x) - f(c)) = s W x + (b + (1 - s) W c).
    ///
    /// For a centred Procrustes fit (c the sources' mean, f(c) the targets' mean) s weighs what is
    /// particular to each mapped vector against the targets' mean direction, which cosine scoring
    /// reads as a prior over documents; s = 1 is the map itself, s -> 0 maps everything onto f(c).
    /// - Precondition: `center.count == sourceDimension`; `s` finite and > 0.
    /// - Complexity: O(m p).
    public func scaled(by s: Float, about center: [Float]) -> AffineMap {
        precondition(center.count == sourceDimension, "the center must have one entry per source dimension")
        precondition(s.isFinite && s > 0, "the scale must be a positive number")
        let m = targetDimension, p = sourceDimension
        var weight = self.weight
        var bias = self.bias
        weight.storage.withUnsafeMutableBufferPointer { w in
            for i in 0..<m {
                var projected = 0.0
                for j in 0..<p {
                    projected += Double(w[i * p + j]) * Double(center[j])
                    w[i * p + j] *= s
                }
                bias[i] += Float((1 - Double(s)) * projected)
            }
        }
        return AffineMap(unchecked: weight, bias: bias, family: family)
    }
}

extension RowSelection {
    /// The mean of the selected rows, accumulated in Double.
    /// - Complexity: O(count × columns).
    func columnMeans() -> [Float] {
        var sums = [Double](repeating: 0, count: columns)
        table.withUnsafeBufferPointer { values in
            for i in 0..<count {
                let start = tableRow(i) * columns
                for j in 0..<columns { sums[j] += Double(values[start + j]) }
            }
        }
        return sums.map { Float($0 / Double(Swift.max(count, 1))) }
    }
}
