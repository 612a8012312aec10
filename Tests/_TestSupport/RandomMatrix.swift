import Foundation
import LinearAlgebra

/// The test suite's seeded generator: LinearAlgebra's SplitMix64, offset by one golden-ratio step
/// (the seeding the suite's fixtures were drawn with), plus a Box-Muller normal.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var base: SplitMix64
    public init(seed: UInt64) { base = SplitMix64(seed: seed &+ 0x9E37_79B9_7F4A_7C15) }
    public mutating func next() -> UInt64 { base.next() }
    /// A standard normal variate (Box-Muller).
    public mutating func normal() -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

extension Matrix {
    /// A `rows x columns` matrix of standard normal entries from `generator`.
    public static func randomNormal(rows: Int, columns: Int, using generator: inout SeededGenerator) -> Matrix {
        Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in Float(generator.normal()) })
    }
}
