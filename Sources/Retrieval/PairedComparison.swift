/// The outcome of a paired comparison of two runs over the same queries (run B minus run A).
public struct PairedComparison: Sendable, Hashable {
    /// Number of paired values (queries).
    public var count: Int
    /// mean(a_i), the mean of run A.
    public var meanA: Double
    /// mean(b_i), the mean of run B.
    public var meanB: Double
    /// mean(b_i - a_i) = meanB - meanA.
    public var meanDifference: Double
    /// Two-sided p-value of the randomization (sign-flip) test of "no difference".
    public var pValue: Double
    /// Paired bootstrap percentile interval of the mean difference.
    public var confidenceInterval: ClosedRange<Double>
    /// The interval's level, e.g. 0.95.
    public var confidenceLevel: Double
    /// Random sign-flip permutations and bootstrap resamples drawn (each).
    public var trials: Int
    /// The seed the tests drew from.
    public var seed: UInt64
}
