import LinearAlgebra

/// Paired significance tests over per-query values (e.g. `ndcg@10` of two maps on the same queries).
///
/// - Randomization test: under H0 each difference d_i = b_i - a_i is as likely to have the other
///   sign. Draw `trials` random sign vectors s and count how often |sum_i s_i d_i| >= |sum_i d_i|
///   (up to rounding); p = (count + 1) / (trials + 1), so p is never 0 and identical runs give
///   p = 1 exactly.
/// - Bootstrap: resample the n pairs with replacement `trials` times; the interval is the
///   (alpha/2, 1 - alpha/2) percentiles (linear interpolation, as numpy's default) of the
///   resampled mean differences, alpha = 1 - confidence.
/// Both use SplitMix64 streams derived from `seed`: equal inputs and seed give equal results.
public enum PairedSignificance {
    /// Most trials a test may draw. At 1,000,000 the p-value's Monte Carlo error is about 0.0002
    /// near p = 0.05, already far below what a decision needs; more only multiplies the time
    /// (the test is O(trials * queries)), and an unbounded count never returns.
    public static let maxTrials = 1_000_000
    /// The trial counts a setting accepts: from 100 (fewer gives coarse p-values) to ``maxTrials``.
    public static func validTrials(_ count: Int) -> Bool { count >= 100 && count <= maxTrials }
    /// How a setting's message states ``validTrials(_:)``.
    public static let trialsExpectation =
        "an integer >= 100 and at most \(maxTrials) (10000 is plenty for p-values near 0.05)"

    /// Compares paired values: `a[i]` and `b[i]` are two runs' values on the same query.
    /// - Parameters:
    ///   - a: the values of run A (the baseline).
    ///   - b: the values of run B, paired with `a` by index.
    ///   - trials: random sign vectors and bootstrap resamples drawn, each (> 0). The smallest
    ///     attainable p-value is `1 / (trials + 1)`.
    ///   - confidence: the level of the bootstrap interval, in (0, 1).
    ///   - seed: fixes both random streams.
    /// - Returns: the means, their difference `mean(b - a)`, the two-sided p-value and the interval.
    /// - Throws: ``RetrievalError/unpairedRuns(left:right:)`` (different lengths),
    ///   ``RetrievalError/empty(_:)`` (no values or no trials),
    ///   ``RetrievalError/invalidParameter(_:)`` (confidence not in (0, 1), trials above ``maxTrials``).
    /// - Complexity: O(trials * n).
    public static func compare(
        _ a: [Double], _ b: [Double], trials: Int = 10_000, confidence: Double = 0.95,
        seed: UInt64 = 0
    ) throws(RetrievalError) -> PairedComparison {
        guard a.count == b.count else { throw .unpairedRuns(left: a.count, right: b.count) }
        guard !a.isEmpty else { throw .empty("paired test without values") }
        guard trials > 0 else { throw .empty("paired test with \(trials) trials") }
        guard trials <= maxTrials else {
            throw .invalidParameter(
                "significance trials \(trials) is above the limit of \(maxTrials); use at most \(maxTrials) (10,000 is plenty for p-values near 0.05)"
            )
        }
        guard confidence > 0 && confidence < 1 else {
            throw .invalidParameter("confidence \(confidence) not in (0, 1)")
        }
        let n = a.count
        let differences = zip(a, b).map { $1 - $0 }
        let total = differences.reduce(0, +)
        let pValue = randomizationPValue(differences, observed: total, trials: trials, seed: seed)
        let interval = bootstrapInterval(
            differences, trials: trials, confidence: confidence,
            seed: seed ^ 0xB007_5742_A11D_5EED)
        return PairedComparison(
            count: n, meanA: a.reduce(0, +) / Double(n), meanB: b.reduce(0, +) / Double(n),
            meanDifference: total / Double(n), pValue: pValue, confidenceInterval: interval,
            confidenceLevel: confidence, trials: trials, seed: seed)
    }

    /// Compares `metric` of two reports; they must cover the same queries (paired by id).
    /// - Parameters:
    ///   - a: the report of run A (the baseline).
    ///   - b: the report of run B, over the same queries in the same order.
    ///   - metric: a measure both reports hold, e.g. `"ndcg@10"`.
    ///   - trials: as in ``compare(_:_:trials:confidence:seed:)``.
    ///   - confidence: as in ``compare(_:_:trials:confidence:seed:)``.
    ///   - seed: as in ``compare(_:_:trials:confidence:seed:)``.
    /// - Throws: ``RetrievalError/unpairedRuns(left:right:)`` when the query lists differ,
    ///   ``RetrievalError/invalidParameter(_:)`` for an unknown metric, and the errors of
    ///   ``compare(_:_:trials:confidence:seed:)``.
    public static func compare(
        _ a: EvaluationReport, _ b: EvaluationReport, metric: String, trials: Int = 10_000,
        confidence: Double = 0.95, seed: UInt64 = 0
    ) throws(RetrievalError) -> PairedComparison {
        guard a.queries == b.queries else { throw .unpairedRuns(left: a.count, right: b.count) }
        guard let va = a.values(of: metric), let vb = b.values(of: metric) else {
            throw .invalidParameter("unknown metric '\(metric)'")
        }
        return try compare(va, vb, trials: trials, confidence: confidence, seed: seed)
    }

    static func randomizationPValue(_ d: [Double], observed: Double, trials: Int, seed: UInt64) -> Double {
        var generator = SplitMix64(seed: seed)
        let magnitude = d.reduce(0) { $0 + abs($1) }
        // Sums of the same numbers in another order may differ by rounding: count those as ties.
        let threshold = abs(observed) - 1e-12 * max(1, magnitude)
        var atLeastAsExtreme = 0
        d.withUnsafeBufferPointer { values in
            for _ in 0..<trials {
                var sum = 0.0
                var bits: UInt64 = 0
                for i in 0..<values.count {
                    if i & 63 == 0 { bits = generator.next() }
                    sum += bits & 1 == 1 ? values[i] : -values[i]
                    bits >>= 1
                }
                if abs(sum) >= threshold { atLeastAsExtreme += 1 }
            }
        }
        return Double(atLeastAsExtreme + 1) / Double(trials + 1)
    }

    static func bootstrapInterval(_ d: [Double], trials: Int, confidence: Double, seed: UInt64) -> ClosedRange<Double> {
        var generator = SplitMix64(seed: seed)
        let n = d.count
        var means = [Double](repeating: 0, count: trials)
        d.withUnsafeBufferPointer { values in
            for t in 0..<trials {
                var sum = 0.0
                for _ in 0..<n { sum += values[generator.nextIndex(below: n)] }
                means[t] = sum / Double(n)
            }
        }
        means.sort()
        let alpha = 1 - confidence
        return percentile(means, alpha / 2)...percentile(means, 1 - alpha / 2)
    }

    /// The q-quantile of sorted values, linear interpolation between closest ranks (numpy's default).
    static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }
}
