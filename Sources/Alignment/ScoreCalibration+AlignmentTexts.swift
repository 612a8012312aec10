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
                nearest[t] = bestColumns(row, count: count, excluding: candidateIndex[textPositions[t]], k: k)
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

    /// The `k` columns of `row` with the highest scores, best first, `excluded` left out, ties to
    /// the lower column: the first `k` of a stable sort by descending score, without sorting the
    /// whole row (which took a fifth of a quickstart run's time in a debug build).
    /// - Complexity: O(`count` log `k`).
    static func bestColumns(_ row: UnsafePointer<Float>, count: Int, excluding excluded: Int?, k: Int) -> [Int] {
        guard k > 0 else { return [] }
        // A min-heap of the best so far; its root is the worst kept. Columns arrive in increasing
        // order, so a later column ties with a kept one and loses.
        let heap = UnsafeMutableBufferPointer<Int>.allocate(capacity: k)
        defer { heap.deallocate() }
        var size = 0
        func worse(_ a: Int, _ b: Int) -> Bool { row[a] < row[b] || (row[a] == row[b] && a > b) }
        func siftDown(_ start: Int) {
            var parent = start
            while true {
                let left = 2 * parent + 1, right = left + 1
                var worst = parent
                if left < size && worse(heap[left], heap[worst]) { worst = left }
                if right < size && worse(heap[right], heap[worst]) { worst = right }
                if worst == parent { return }
                heap.swapAt(parent, worst)
                parent = worst
            }
        }
        for column in 0..<count where column != excluded {
            if size < k {
                heap[size] = column
                var child = size
                size += 1
                while child > 0, worse(heap[child], heap[(child - 1) / 2]) {
                    heap.swapAt(child, (child - 1) / 2)
                    child = (child - 1) / 2
                }
            } else if row[column] > row[heap[0]] {
                heap[0] = column
                siftDown(0)
            }
        }
        return heap[0..<size].sorted { worse($1, $0) }
    }
}
