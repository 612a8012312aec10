/// SplitMix64 (Steele, Lea & Flood 2014): a tiny, fast, seedable generator, so that significance
/// tests and synthetic benchmarks are reproducible on every platform (the system generator is not
/// seedable). Same constants as the test suite's `SeededGenerator`.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform index in `0..<bound` (Lemire's multiply-shift; the bias is < bound / 2^64).
    @inline(__always)
    mutating func index(below bound: Int) -> Int {
        Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }
}
