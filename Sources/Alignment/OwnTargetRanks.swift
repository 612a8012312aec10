import LinearAlgebra

/// Where each mapped row's own target ranks among a set of targets: the held-out report, the
/// row-order checks and stage two's calibration check all ask it, with the same tie rule and the same
/// two classes (the top 1%, outside the nearest quarter).
public struct OwnTargetRanks: Sendable, Hashable {
    /// Per mapped row, how many other targets score at least as high as its own (ties count against it,
    /// so copies of one target do not rank well): its rank minus one.
    public var ahead: [Int]
    /// Per mapped row, the score of its own target.
    public var own: [Float]
    /// The number of targets ranked among.
    public var candidates: Int

    /// Ranks row i of `mapped` (unit rows, `h x m`) against every row of `targets` (unit rows, `n x m`),
    /// its own target being `targets[ownRows[i]]`; `blockRows` mapped rows are scored per gemm (memory:
    /// `blockRows x n` scores).
    /// - Complexity: O(h n m).
    public init(mapped: Matrix, targets: Matrix, ownRows: [Int], blockRows: Int = 1024) {
        precondition(ownRows.count == mapped.rows && ownRows.allSatisfy { (0..<targets.rows).contains($0) })
        var ahead = [Int](repeating: 0, count: mapped.rows), own = [Float](repeating: 0, count: mapped.rows)
        scoreInBlocks(mapped, targets, blockRows: blockRows) { start, rows, scores, n in
            for r in 0..<rows {
                let i = start + r, row = scores + r * n, column = ownRows[i]
                let score = row[column]
                var count = 0
                for j in 0..<n where j != column && row[j] >= score { count += 1 }
                (ahead[i], own[i]) = (count, score)
            }
        }
        self.ahead = ahead
        self.own = own
        candidates = targets.rows
    }

    /// Whether `ahead` puts a target in the top 1% of the candidates (fewer than max(1, n / 100) ahead).
    public func isTopPercent(_ ahead: Int) -> Bool { ahead < max(1, candidates / 100) }

    /// Whether `ahead` puts a target outside the nearest quarter (more than (n - 1) / 4 ahead): where
    /// most rows rank first, a row paired with another's target lands there three times in four.
    public func isOutsideQuarter(_ ahead: Int) -> Bool { 4 * ahead > candidates - 1 }

    /// How many rows have their own target in the top 1%.
    public var topPercent: Int { ahead.count { isTopPercent($0) } }
}
