import LinearAlgebra

extension ScoreCalibration {
    /// Fits the calibration of `map` on the alignment texts `sources` / `targets` (row i of each: one
    /// text), no labels: for a seeded sample of at most ``textLimit`` texts, the mapped source's top
    /// `neighbours` targets among at most ``targetLimit`` candidates (its own target excluded) give the
    /// pairs (mapped score, the text's target against the same target).
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
        let pairs = ScorePairs(mapped: mappedScores, reference: ownScores, queries: textPositions.count, neighbours: k)
        let fit = try matchingMoments(pairs, what: "the alignment texts' nearest targets")
        return ScoreCalibration(
            scale: fit.scale, offset: fit.offset, fittedOn: .alignmentTexts, count: textPositions.count,
            neighbours: k, medianAbsoluteDifferenceBefore: fit.before, medianAbsoluteDifferenceAfter: fit.after)
    }
}
