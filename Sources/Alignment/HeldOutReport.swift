import LinearAlgebra

/// How well a map aligns pairs it was not trained on: for each held-out pair, the mapped source
/// normalize(W x + b) against every held-out target (unit rows).
public struct HeldOutReport: Sendable, Hashable, Codable {
    /// Fewer held-out pairs than this are not reported: top-1 among one or a few pairs is 1 or
    /// near it whatever the map (`samples: 2` reported a perfect top-1 on a single pair).
    public static let minimumPairs = 10
    /// Training measures at most this many held-out pairs (its first, a random subset as the split is
    /// random): the report's cost grows with the square of the pairs (10,000 held-out pairs of 1024-d
    /// targets: 0.2 TFLOP per measure, several per run).
    public static let maximumPairs = 4096

    /// Number of held-out pairs.
    public var pairs: Int
    /// Mean cosine between each mapped source and its own target.
    public var meanCosine: Double
    /// Fraction of pairs whose own target scores strictly above every other held-out target.
    public var top1Accuracy: Double
    /// Fraction whose own target is among the 10 best (fewer than 10 others score at least as high).
    public var top10Accuracy: Double
    /// Mean reciprocal rank of the own target (rank 1 + the number of others scoring at least as high).
    public var meanReciprocalRank: Double
    /// Fraction whose own target is in the top 1% (fewer than max(1, h / 100) others score at least as
    /// high); nil in reports written before it was measured.
    public var topPercentAccuracy: Double?
    /// Fraction whose own target is outside the nearest quarter (more than (h - 1) / 4 others score at
    /// least as high): where most pairs rank first, a pair of two different texts lands there three
    /// times in four. Nil in reports written before it was measured.
    public var outsideQuarterFraction: Double?

    enum CodingKeys: String, CodingKey {
        case pairs, meanCosine = "mean_cosine", top1Accuracy = "top1_accuracy", top10Accuracy = "top10_accuracy"
        case meanReciprocalRank = "mean_reciprocal_rank", topPercentAccuracy = "top_percent_accuracy"
        case outsideQuarterFraction = "outside_quarter_fraction"
    }

    public init(
        pairs: Int, meanCosine: Double, top1Accuracy: Double, top10Accuracy: Double,
        meanReciprocalRank: Double, topPercentAccuracy: Double? = nil, outsideQuarterFraction: Double? = nil
    ) {
        self.pairs = pairs
        self.meanCosine = meanCosine
        self.top1Accuracy = top1Accuracy
        self.top10Accuracy = top10Accuracy
        self.meanReciprocalRank = meanReciprocalRank
        self.topPercentAccuracy = topPercentAccuracy
        self.outsideQuarterFraction = outsideQuarterFraction
    }

    /// Measures `map` on held-out pairs (row i of `sources` and of `targets` embed the same text).
    /// Targets are normalized here; ties count against the pair (a rank is 1 + the number of other
    /// targets scoring at least as high), so a collapsed map cannot look good.
    /// - Complexity: O(h p m + h^2 m) for h pairs, scored in blocks of 1024 rows (gemm).
    public static func measure(map: AffineMap<Float>, sources: Matrix, targets: Matrix) throws(AlignmentError)
        -> HeldOutReport
    {
        guard sources.rows == targets.rows else {
            throw .shapeMismatch(
                operation: "HeldOutReport", expected: "\(sources.rows) target rows",
                got: "\(targets.rows)")
        }
        guard targets.columns == map.targetDimension else {
            throw .shapeMismatch(
                operation: "HeldOutReport", expected: "targets of \(map.targetDimension) values",
                got: "\(targets.shape)")
        }
        let h = sources.rows
        guard h > 0 else { throw .empty(what: "held-out set") }
        let mapped = try map.applyNormalized(to: sources)
        let unitTargets = targets.normalizedRows()
        let ranks = OwnTargetRanks(mapped: mapped, targets: unitTargets, ownRows: Array(0..<h))
        var cosineSum = 0.0, top1 = 0, top10 = 0, reciprocalSum = 0.0, topPercent = 0, outsideQuarter = 0
        for (ahead, own) in zip(ranks.ahead, ranks.own) {
            cosineSum += Double(own)
            if ahead == 0 { top1 += 1 }
            if ahead < 10 { top10 += 1 }
            if ranks.isTopPercent(ahead) { topPercent += 1 }
            if ranks.isOutsideQuarter(ahead) { outsideQuarter += 1 }
            reciprocalSum += 1 / Double(ahead + 1)
        }
        let n = Double(h)
        return HeldOutReport(
            pairs: h, meanCosine: cosineSum / n, top1Accuracy: Double(top1) / n,
            top10Accuracy: Double(top10) / n, meanReciprocalRank: reciprocalSum / n,
            topPercentAccuracy: Double(topPercent) / n, outsideQuarterFraction: Double(outsideQuarter) / n)
    }
}

/// Scores of `mapped` (h x m) against `targets` (n x m), `blockRows` queries at a time (one gemm
/// each, into one reused h-block x n buffer): the held-out report and the guardrail rank with it.
func scoreInBlocks(
    _ mapped: Matrix, _ targets: Matrix, blockRows: Int,
    _ body: (_ start: Int, _ rows: Int, _ scores: UnsafePointer<Float>, _ n: Int) -> Void
) {
    let h = mapped.rows, n = targets.rows, m = targets.columns
    var scores = [Float](repeating: 0, count: min(blockRows, h) * n)
    mapped.withUnsafeBufferPointer { pz in
        targets.withUnsafeBufferPointer { pt in
            scores.withUnsafeMutableBufferPointer { ps in
                for start in stride(from: 0, to: h, by: blockRows) {
                    let rows = min(blockRows, h - start)
                    BLAS.gemm(
                        .none, .transposed, m: rows, n: n, k: m, a: pz.baseAddress! + start * m, lda: m,
                        b: pt.baseAddress!, ldb: m, c: ps.baseAddress!, ldc: n)
                    body(start, rows, UnsafePointer(ps.baseAddress!), n)
                }
            }
        }
    }
}
