extension UnsafeBufferPointer where Element: BLASScalar {
    /// True when no element is NaN or infinite.
    ///
    /// `x * 0` is 0 for every finite x and NaN otherwise, so one branch-free pass decides, in 16
    /// (Float) or 8 (Double) independent lanes so the reduction vectorizes. Written for the concrete
    /// types: the generic `allSatisfy` is not specialized across modules and cost more than the LU it
    /// guarded for a 1024 x 1024 inverse (stage two's rotation, every step), and ~50x this loop
    /// when training checked its batches.
    /// - Complexity: O(`count`).
    @inlinable public var allFinite: Bool {
        guard let base = baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        #if DEBUG
        // Unoptimized builds do not specialize SIMD16's operators, nor inline a plain loop's
        // `isFinite`: BLAS's `x . x` is finite exactly when no element is NaN or infinite, barring
        // an overflow, which the plain loop then settles.
        if Element.self == Float.self {
            let x = raw.assumingMemoryBound(to: Float.self)
            if count < Int(Int32.max) && BLAS.dot(x, x, count: count).isFinite { return true }
            for k in 0..<count where !x[k].isFinite { return false }
            return true
        }
        #endif
        if Element.self == Float.self {
            let x = raw.assumingMemoryBound(to: Float.self)
            var lanes = SIMD16<Float>(repeating: 0)
            let whole = count - count % 16
            for k in stride(from: 0, to: whole, by: 16) {
                lanes += raw.loadUnaligned(fromByteOffset: k * 4, as: SIMD16<Float>.self) * 0
            }
            var tail: Float = 0
            for k in whole..<count { tail += x[k] * 0 }
            return lanes.sum() == 0 && tail == 0
        }
        if Element.self == Double.self {
            let x = raw.assumingMemoryBound(to: Double.self)
            var lanes = SIMD8<Double>(repeating: 0)
            let whole = count - count % 8
            for k in stride(from: 0, to: whole, by: 8) {
                lanes += raw.loadUnaligned(fromByteOffset: k * 8, as: SIMD8<Double>.self) * 0
            }
            var tail: Double = 0
            for k in whole..<count { tail += x[k] * 0 }
            return lanes.sum() == 0 && tail == 0
        }
        return allSatisfy { $0.isFinite }
    }
}
