import Foundation

/// SplitMix64: a small, fast, seeded generator whose stream is fixed by this file, so the same
/// seed gives the same sample, shuffles and random start on every platform and Swift version.
///
/// The standard library's `shuffled(using:)` and `random(in:using:)` are not promised to keep their
/// algorithms across releases; everything reproducible in era draws through the helpers below.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    private var state: UInt64

    /// The generator whose stream is fixed by `seed` (every value, including 0, is a valid seed).
    public init(seed: UInt64) { state = seed }

    /// The next 64 uniformly distributed bits: the state advances by the golden-ratio increment
    /// `0x9E3779B97F4A7C15` and is mixed by two xor-shift-multiply rounds (Steele, Lea and Flood 2014).
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<bound` (Lemire's multiply-and-reject: no modulo bias).
    /// - Parameter bound: the exclusive upper bound (> 0, `precondition`).
    public mutating func nextIndex(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let b = UInt64(bound)
        var product = next().multipliedFullWidth(by: b)
        if product.low < b {
            let threshold = (0 &- b) % b
            while product.low < threshold { product = next().multipliedFullWidth(by: b) }
        }
        return Int(product.high)
    }

    /// A uniform double in `[0, 1)` from the top 53 bits.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A standard normal variate (Box-Muller, one of the pair).
    public mutating func nextNormal() -> Double {
        let u1 = 1 - nextUnit()  // (0, 1]: log is finite
        let u2 = nextUnit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// A uniformly random permutation of `0..<count` (Fisher-Yates).
    /// - Complexity: O(`count`).
    public mutating func permutation(_ count: Int) -> [Int] {
        var order = Array(0..<count)
        shuffle(&order)
        return order
    }

    /// Shuffles `values` in place (Fisher-Yates with ``nextIndex(below:)``).
    public mutating func shuffle<T>(_ values: inout [T]) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            let j = nextIndex(below: i + 1)
            if i != j { values.swapAt(i, j) }
        }
    }

    /// `k` distinct indices drawn uniformly from `0..<count`, returned in increasing order
    /// (a partial Fisher-Yates, so the draw is the same for a given seed whatever `k` is used for).
    /// - Parameters:
    ///   - k: how many indices to draw, `0...count` (`precondition`); `k == count` returns all of them.
    ///   - count: the size of the population `0..<count`.
    /// - Complexity: O(`count`).
    public mutating func sample(_ k: Int, from count: Int) -> [Int] {
        precondition(k >= 0 && k <= count, "sample size out of range")
        var pool = Array(0..<count)
        for i in 0..<k {
            let j = i + nextIndex(below: count - i)
            if i != j { pool.swapAt(i, j) }
        }
        return pool[0..<k].sorted()
    }
}
