import LinearAlgebra

/// An affine map of scores, `a s + b` (a > 0: rankings do not change), that puts the mapped queries'
/// scores on the index model's own scale.
///
/// Mapped query scores come out compressed: on an anisotropic index (e5-style) the cosines of mapped
/// queries sit lower and closer together than the index model's own, so an application's fixed
/// similarity threshold stops meaning what it meant. The fit needs no labels: for a seeded sample of
/// the alignment texts, the mapped source's top ``neighbours`` targets (its own excluded) give pairs of
/// scores, the mapped one and the index model's own (the text's target against the same target);
/// `a` and `b` match the mean and the spread of the second from the first (on SciFact, matching the
/// moments left a smaller error on the test queries than least squares: docs/alignment.md).
public struct ScoreCalibration: Sendable, Hashable, Codable {
    /// a: multiplies a mapped score (> 0).
    public var scale: Double
    /// b: added after.
    public var offset: Double
    /// Alignment texts the fit used.
    public var texts: Int
    /// Targets per text: its mapped top k.
    public var neighbours: Int
    /// Median |index-model score - mapped score| over those pairs, before and after calibration.
    public var medianAbsoluteDifferenceBefore: Double
    public var medianAbsoluteDifferenceAfter: Double

    /// At most this many texts and, per text, candidate targets (a seeded sample beyond).
    public static let textLimit = 1_000
    public static let targetLimit = 20_000
    public static let defaultNeighbours = 100

    /// `a s + b`.
    public func apply(_ score: Double) -> Double { scale * score + offset }

    /// Fits the calibration of `map` on the pairs `sources` / `targets` (row i of each: one text).
    /// - Throws: ``AlignmentError`` for mismatched or empty inputs, or scores without spread (a map that
    ///   sends every text to one point has no scale to fit).
    /// - Complexity: O(t n m) for t texts among n candidate targets.
    public static func fit(
        map: AffineMap<Float>, sources: RowSelection, targets: RowSelection, seed: UInt64,
        neighbours: Int = defaultNeighbours
    ) throws(AlignmentError) -> ScoreCalibration {
        guard sources.count == targets.count else {
            throw .shapeMismatch(
                operation: "ScoreCalibration", expected: "\(sources.count) target rows", got: "\(targets.count)")
        }
        let n = targets.count
        guard n > 1 else { throw .empty(what: "score calibration texts (at least 2)") }
        var generator = SplitMix64(seed: seed, stream: .calibration)
        let textPositions = n > textLimit ? generator.sample(textLimit, from: n) : Array(0..<n)
        let candidatePositions = n > targetLimit ? generator.sample(targetLimit, from: n) : Array(0..<n)
        // Where each text's own target sits among the candidates (excluded from its neighbours).
        var candidateIndex = [Int: Int]()
        for (k, position) in candidatePositions.enumerated() { candidateIndex[position] = k }
        let candidates = targets.gathered(candidatePositions).normalizedRows()
        let ownTargets = targets.gathered(textPositions).normalizedRows()
        let mapped = try map.applyNormalized(to: sources.gathered(textPositions))
        let k = min(neighbours, candidates.rows - 1)
        var mappedScores = [Double](), ownScores = [Double]()
        mappedScores.reserveCapacity(textPositions.count * k)
        ownScores.reserveCapacity(textPositions.count * k)
        var nearest = [[Int]](repeating: [], count: textPositions.count)
        scoreInBlocks(mapped, candidates, blockRows: 256) { start, rows, scores, count in
            for r in 0..<rows {
                let t = start + r, row = scores + r * count
                let own = candidateIndex[textPositions[t]]
                var order = Array(0..<count).filter { $0 != own }
                order.sort { row[$0] > row[$1] }
                nearest[t] = Array(order.prefix(k))
                for j in nearest[t] { mappedScores.append(Double(row[j])) }
            }
        }
        scoreInBlocks(ownTargets, candidates, blockRows: 256) { start, rows, scores, count in
            for r in 0..<rows {
                let row = scores + r * count
                for j in nearest[start + r] { ownScores.append(Double(row[j])) }
            }
        }
        let (mappedMean, mappedSpread) = meanAndSpread(mappedScores)
        let (ownMean, ownSpread) = meanAndSpread(ownScores)
        guard mappedSpread > 0, ownSpread > 0, mappedSpread.isFinite, ownSpread.isFinite else {
            throw .invalidParameter(
                name: "score calibration", value: "spread \(mappedSpread) (mapped), \(ownSpread) (index model)",
                reason: "the scores of the alignment texts' nearest targets do not vary, so there is no scale to fit")
        }
        let scale = ownSpread / mappedSpread, offset = ownMean - scale * mappedMean
        let before = median(zip(ownScores, mappedScores).map { abs($0 - $1) })
        let after = median(zip(ownScores, mappedScores).map { abs($0 - (scale * $1 + offset)) })
        return ScoreCalibration(
            scale: scale, offset: offset, texts: textPositions.count, neighbours: k,
            medianAbsoluteDifferenceBefore: before, medianAbsoluteDifferenceAfter: after)
    }
}

private func meanAndSpread(_ values: [Double]) -> (mean: Double, spread: Double) {
    guard !values.isEmpty else { return (0, 0) }
    let mean = values.reduce(0, +) / Double(values.count)
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
    return (mean, variance.squareRoot())
}

private func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
