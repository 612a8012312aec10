import LinearAlgebra

/// The self-learning loop of unpaired alignment on two prepared sides (``UnpairedSpace``):
/// Procrustes on the dictionary, CSLS matching under the new map, repeat (VecMap's schedule).
struct SelfLearning: Sendable {
    let settings: UnpairedSettings
    let seed: UInt64

    struct Outcome: Sendable {
        /// `m x p`, semi-orthogonal: the map of the last dictionary.
        var map: Matrix
        /// The matching under `map`, every similarity kept.
        var matching: CSLSMatching
        var rounds: Int
    }

    /// The source side's part of the sorted-similarity start: which rows, and their descriptions
    /// (shared by the real problem and its null, whose sources are the same).
    struct SourceStart: Sendable {
        var rows: [Int]
        var descriptions: Matrix
    }

    /// The source rows of the correspondence-free start (`count` of them, seeded) described.
    func sourceStart(_ x: UnpairedSpace, count: Int) throws(AlignmentError) -> SourceStart {
        var generator = SplitMix64(seed: seed, stream: .unpairedSample)
        let rows = count < x.count ? generator.sample(count, from: x.count) : Array(0..<x.count)
        return SourceStart(rows: rows, descriptions: try SortedSimilarity.describe(x.rows.gatherRows(rows)))
    }

    /// Runs from the anchors (positions in `x` and `y`), or, without any, from the sorted-similarity start.
    /// - Parameter progress: `(round, keep, objective, mutualShare)` after each round.
    func run(
        _ x: UnpairedSpace, _ y: UnpairedSpace, anchors: [(source: Int, target: Int)], start: SourceStart?,
        progress: (Int, Double, Double, Double) -> Void
    ) throws(AlignmentError) -> Outcome {
        var dictionary: [(source: Int, target: Int)]
        if anchors.isEmpty {
            let described: SourceStart
            if let start {
                described = start
            } else {
                described = try sourceStart(x, count: min(x.count, y.count, settings.initSample))
            }
            dictionary = try initialDictionary(described, y)
        } else {
            dictionary = anchors
        }
        var keep = settings.initialKeep
        var best = -Double.infinity
        var lastGain = 0
        var round = 0
        var map = try procrustes(x, y, dictionary)
        while true {
            round += 1
            let matching = CSLSMatching.match(
                try Self.apply(map, to: x.rows), y.rows, k: settings.neighbourhood, keep: keep, seed: seed,
                round: round)
            progress(round, keep, matching.objective, matching.mutualShare)
            if matching.objective - best >= settings.minimumGain {
                best = matching.objective
                lastGain = round
            }
            dictionary = anchors
            dictionary += matching.forward.enumerated().map { ($0, $1) }
            dictionary += matching.backward.enumerated().map { ($1, $0) }
            if round - lastGain >= settings.stallRounds {
                if keep >= 1 { break }
                keep = min(1, keep * 2)
                lastGain = round
            }
            if round >= settings.maxRounds { break }
            map = try procrustes(x, y, dictionary)
        }
        map = try procrustes(x, y, dictionary)
        let final = CSLSMatching.match(try Self.apply(map, to: x.rows), y.rows, k: settings.neighbourhood)
        return Outcome(map: map, matching: final, rounds: round)
    }

    /// The first dictionary without any correspondence: equal-size samples of both sides described by
    /// their sorted similarity profiles, matched by CSLS both ways (union, as positions in `x` and `y`).
    func initialDictionary(_ start: SourceStart, _ y: UnpairedSpace) throws(AlignmentError) -> [(
        source: Int, target: Int
    )] {
        let n = start.rows.count
        var generator = SplitMix64(seed: seed ^ 0x5EED, stream: .unpairedSample)
        let ys = n < y.count ? generator.sample(n, from: y.count) : Array(0..<y.count)
        let dy = try SortedSimilarity.describe(y.rows.gatherRows(ys))
        let matching = CSLSMatching.match(start.descriptions, dy, k: settings.neighbourhood)
        let xs = start.rows
        return matching.forward.enumerated().map { (xs[$0], ys[$1]) }
            + matching.backward.enumerated().map { (xs[$1], ys[$0]) }
    }

    /// `polar(X_D^T Y_D)^T` for the dictionary D (repeats count), as `m x p` (in Float: the next
    /// round's matching needs only a good map, not the last digit of one): the orthogonal
    /// Procrustes map of the matched rows (semi-orthogonal when p != m). `X_D^T Y_D = X^T G` with
    /// `G[i]` the sum of the targets matched to source `i`, so no row is copied per pair.
    /// - Complexity: O(`n_x p m`) for the product, O(`p m min(p, m)`) for the SVD.
    func procrustes(_ x: UnpairedSpace, _ y: UnpairedSpace, _ dictionary: [(source: Int, target: Int)])
        throws(AlignmentError) -> Matrix
    {
        let m = y.dimension
        var gathered = Matrix(rows: x.count, columns: m)
        y.rows.withUnsafeBufferPointer { targets in
            gathered.withUnsafeMutableBufferPointer { g in
                for pair in dictionary {
                    BLAS.axpy(
                        count: m, alpha: 1, x: targets.baseAddress! + pair.target * m,
                        y: g.baseAddress! + pair.source * m)
                }
            }
        }
        return try wrapLinearAlgebra { () throws(LinearAlgebraError) in
            let cross = try Matrix.multiply(x.rows, gathered, transA: .transposed)  // p x m
            return try cross.polarFactor().transposed  // (p x m)^T
        }
    }

    /// The rows `x W^T`, normalized (a semi-orthogonal W with p > m shortens them).
    static func apply(_ map: Matrix, to rows: Matrix) throws(AlignmentError) -> Matrix {
        var mapped = try wrapLinearAlgebra { () throws(LinearAlgebraError) in
            try Matrix.multiply(rows, map, transB: .transposed)
        }
        mapped.normalizeRows()
        return mapped
    }
}
