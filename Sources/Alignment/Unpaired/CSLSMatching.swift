import Dispatch
import Foundation
import LinearAlgebra

/// Nearest neighbours between two sets of unit rows under cross-domain similarity local scaling
/// (CSLS, Conneau et al. 2018), both ways, in blocks through BLAS.
///
/// `csls(a, b) = 2 cos(a, b) - r_B(a) - r_A(b)`, where `r_B(a)` is the mean cosine of `a` to its
/// `k` nearest rows of `B` (and `r_A(b)` the same the other way). Subtracting it takes from hubs,
/// rows that are everyone's nearest neighbour in a high-dimensional space. For the forward choice of
/// a row `a` only `r_A(b)` matters (its own term is a constant), and the other way round.
///
/// With `keep < 1`, each similarity is kept with that probability (stochastic dictionary induction,
/// Artetxe et al. 2018): the draw for entry `(i, j)` depends only on the seed, the round and `(i, j)`,
/// never on the block size.
struct CSLSMatching: Sendable {
    /// For each row of A, the row of B it chose (forward).
    var forward: [Int]
    /// For each row of B, the row of A it chose (backward).
    var backward: [Int]
    /// Mean over both directions of the cosine of each chosen pair (VecMap's objective).
    var objective: Double
    /// The cosine of each row of A to its forward choice.
    var forwardCosine: [Float]
    /// `r_B(a)` for every row of A, and `r_A(b)` for every row of B.
    var neighbourhoodA: [Float], neighbourhoodB: [Float]

    /// Rows of A whose choice chose them back.
    var mutualRows: [Int] { forward.indices.filter { backward[forward[$0]] == $0 } }

    /// The share of rows of the smaller side in a mutual pair.
    var mutualShare: Double {
        Double(mutualRows.count) / Double(max(1, min(forward.count, backward.count)))
    }

    /// Rows of A per block: a block of similarities is `blockRows x nB` floats.
    static let blockRows = 1024

    /// Matches the unit rows of `a` (`nA x d`) and `b` (`nB x d`).
    /// - Parameters:
    ///   - k: the CSLS neighbourhood (clamped to each side's size).
    ///   - keep: the probability of keeping each similarity, `(0, 1]`.
    ///   - seed: the draw of the kept entries (with `round`).
    ///   - wholeMatrixLimit: the largest `nA * nB` computed as one matrix (tests force either path).
    ///   - threads: how many threads scan the similarities between gemms (the result does not depend on it).
    /// - Complexity: two passes of `nA x nB x d` gemms in blocks; O(`blockRows * nB + threads (nA + nB) k`) memory.
    static func match(
        _ a: Matrix, _ b: Matrix, k: Int, keep: Double = 1, seed: UInt64 = 0, round: Int = 0,
        wholeMatrixLimit: Int = wholeMatrixEntries, threads: Int = scanThreads
    ) -> CSLSMatching {
        precondition(a.columns == b.columns && a.rows > 0 && b.rows > 0, "CSLS needs two non-empty sets of one width")
        precondition(threads >= 1, "at least one thread scans")
        let nA = a.rows, nB = b.rows
        let kA = min(k, nB), kB = min(k, nA)
        let whole = nA * nB <= wholeMatrixLimit
        var block = whole ? wholeMatrix(a, b) : [Float](repeating: 0, count: min(blockRows, nA) * nB)
        // Each thread scans its own share of every block's rows into its own column state; the
        // states are merged in row order, so any thread count gives the sequential result.
        let lanes = max(1, min(threads, (whole ? nA : min(blockRows, nA)) * nB / minimumEntriesPerThread))

        // Pass 1: the neighbourhoods. r_B(a) per row; the k largest of each column, per lane.
        var rA = [Float](repeating: 0, count: nA)
        var columnTop = [Float](repeating: -.infinity, count: lanes * nB * kB)  // ascending slots of kB
        rA.withUnsafeMutableBufferPointer { rowMeans in
            columnTop.withUnsafeMutableBufferPointer { tops in
                forEachBlock(a, b, into: &block, whole: whole) { first, rows, sims in
                    forEachLane(lanes, rows: rows) { lane, range in
                        var rowTop = [Float](repeating: 0, count: kA)
                        let top = tops.baseAddress! + lane * nB * kB
                        for r in range {
                            let row = sims + r * nB
                            rowMeans[first + r] = topMean(row, count: nB, k: kA, scratch: &rowTop)
                            for j in 0..<nB {
                                let slot = top + j * kB
                                if row[j] > slot[0] { insertAscending(row[j], into: slot, count: kB) }
                            }
                        }
                    }
                }
            }
        }
        var rB = [Float](repeating: 0, count: nB)
        columnTop.withUnsafeMutableBufferPointer { tops in
            let merged = tops.baseAddress!
            for lane in 1..<max(lanes, 1) {
                let other = merged + lane * nB * kB
                for j in 0..<nB {
                    for t in 0..<kB where other[j * kB + t] > merged[j * kB] {
                        insertAscending(other[j * kB + t], into: merged + j * kB, count: kB)
                    }
                }
            }
            for j in 0..<nB {
                var sum: Float = 0
                for t in 0..<kB { sum += merged[j * kB + t] }
                rB[j] = sum / Float(kB)
            }
        }

        // Pass 2: the choices. Forward: argmax_j cos - rB[j] / 2; backward: argmax_i cos - rA[i] / 2
        // (per lane, the first row reaching the best score; merged: the best score, then the first row).
        var forward = [Int](repeating: 0, count: nA)
        var forwardCosine = [Float](repeating: 0, count: nA)
        var laneBackward = [Int](repeating: 0, count: lanes * nB)
        var laneScore = [Float](repeating: -.infinity, count: lanes * nB)
        var laneCosine = [Float](repeating: 0, count: lanes * nB)
        // A 64-bit draw below `threshold` keeps the entry (unused when everything is kept).
        let threshold: UInt64 = keep < 1 ? UInt64((max(keep, 0) * 0x1.0p53).rounded()) << 11 : .max
        forward.withUnsafeMutableBufferPointer { forwardOut in
            forwardCosine.withUnsafeMutableBufferPointer { forwardCosineOut in
                laneBackward.withUnsafeMutableBufferPointer { backwardAll in
                    laneScore.withUnsafeMutableBufferPointer { scoreAll in
                        laneCosine.withUnsafeMutableBufferPointer { cosineAll in
                            forEachBlock(a, b, into: &block, whole: whole) { first, rows, sims in
                                forEachLane(lanes, rows: rows) { lane, range in
                                    let backward = backwardAll.baseAddress! + lane * nB
                                    let backwardScore = scoreAll.baseAddress! + lane * nB
                                    let backwardCosine = cosineAll.baseAddress! + lane * nB
                                    for r in range {
                                        let i = first + r
                                        let row = sims + r * nB
                                        var drawer = SplitMix64(
                                            seed: seed ^ (UInt64(round) &* 0xA24B_AED4_963E_E407)
                                                ^ (UInt64(i) &* 0x9FB2_1C65_1E98_DF25))
                                        let halfRA = rA[i] / 2
                                        var best: Float = -.infinity, bestJ = -1
                                        for j in 0..<nB {
                                            if keep < 1, drawer.next() >= threshold { continue }
                                            let cosine = row[j]
                                            let f = cosine - rB[j] / 2
                                            if f > best { best = f; bestJ = j }
                                            let g = cosine - halfRA
                                            if g > backwardScore[j] {
                                                backwardScore[j] = g; backward[j] = i; backwardCosine[j] = cosine
                                            }
                                        }
                                        if bestJ < 0 {  // every entry of the row dropped: keep its plain best
                                            for j in 0..<nB where row[j] - rB[j] / 2 > best {
                                                best = row[j] - rB[j] / 2; bestJ = j
                                            }
                                        }
                                        forwardOut[i] = bestJ
                                        forwardCosineOut[i] = row[bestJ]
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var backward = Array(laneBackward[0..<nB])
        var backwardScore = Array(laneScore[0..<nB])
        var backwardCosine = Array(laneCosine[0..<nB])
        for lane in 1..<max(lanes, 1) {
            for j in 0..<nB {
                let score = laneScore[lane * nB + j], row = laneBackward[lane * nB + j]
                if score > backwardScore[j] || (score == backwardScore[j] && score > -.infinity && row < backward[j]) {
                    backwardScore[j] = score; backward[j] = row; backwardCosine[j] = laneCosine[lane * nB + j]
                }
            }
        }
        for j in 0..<nB where backwardScore[j] == -.infinity {
            // A column every one of whose entries was dropped: its plain best, by a dot product per row.
            var best: Float = -.infinity
            for i in 0..<nA {
                let cosine = dot(a, i, b, j)
                if cosine - rA[i] / 2 > best { best = cosine - rA[i] / 2; backward[j] = i; backwardCosine[j] = cosine }
            }
        }
        let objective =
            (forwardCosine.reduce(0.0) { $0 + Double($1) } / Double(nA)
                + backwardCosine.reduce(0.0) { $0 + Double($1) } / Double(nB)) / 2
        return CSLSMatching(
            forward: forward, backward: backward, objective: objective, forwardCosine: forwardCosine,
            neighbourhoodA: rA, neighbourhoodB: rB)
    }

    /// Threads that scan similarities (the scans run between BLAS calls, when BLAS's own threads idle).
    static let scanThreads = min(max(ProcessInfo.processInfo.activeProcessorCount, 1), 8)
    /// Below this many similarities per thread a scan stays on one thread.
    static let minimumEntriesPerThread = 1 << 18

    /// `body(lane, rows)` for `lanes` contiguous shares of `0..<rows`, on as many threads.
    private static func forEachLane(_ lanes: Int, rows: Int, _ body: (Int, Range<Int>) -> Void) {
        let share = (rows + lanes - 1) / lanes
        if lanes == 1 { return body(0, 0..<rows) }
        // Each lane writes only its own rows and its own lane's state (see the callers); the scan
        // returns before `body` does, so nothing outlives the call.
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let scan = body
            DispatchQueue.concurrentPerform(iterations: lanes) { lane in
                let start = min(rows, lane * share)
                scan(lane, start..<min(rows, start + share))
            }
        }
    }

    /// The mean CSLS of the mutual pairs, `2 cos - r_B(a) - r_A(b)` (0 when there is none).
    var meanMutualCSLS: Double {
        let rows = mutualRows
        guard !rows.isEmpty else { return 0 }
        let sum = rows.reduce(0.0) {
            $0 + Double(2 * forwardCosine[$1] - neighbourhoodA[$1] - neighbourhoodB[forward[$1]])
        }
        return sum / Double(rows.count)
    }

    /// Similarity matrices up to this many entries are computed once per matching (one gemm, both
    /// passes read it); larger ones are computed per block, twice (a bounded `blockRows x nB` buffer).
    static let wholeMatrixEntries = 1 << 26

    /// `body(firstRow, rows, similarities)` for each block of rows of `a`, the block's `rows x nB`
    /// cosines to every row of `b`: from `block` when it holds the whole matrix (`whole`), else by one
    /// gemm per block into it.
    private static func forEachBlock(
        _ a: Matrix, _ b: Matrix, into block: inout [Float], whole: Bool,
        _ body: (Int, Int, UnsafeMutablePointer<Float>) -> Void
    ) {
        let nA = a.rows, nB = b.rows, d = a.columns
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                block.withUnsafeMutableBufferPointer { pc in
                    var first = 0
                    while first < nA {
                        let rows = whole ? nA : min(blockRows, nA - first)
                        if !whole {
                            BLAS.gemm(
                                .none, .transposed, m: rows, n: nB, k: d, a: pa.baseAddress! + first * d, lda: d,
                                b: pb.baseAddress!, ldb: d, c: pc.baseAddress!, ldc: nB)
                        }
                        body(first, rows, pc.baseAddress!)
                        first += rows
                    }
                }
            }
        }
    }

    /// The whole `nA x nB` similarity matrix, by one gemm.
    private static func wholeMatrix(_ a: Matrix, _ b: Matrix) -> [Float] {
        var out = [Float](repeating: 0, count: a.rows * b.rows)
        let d = a.columns
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { pc in
                    BLAS.gemm(
                        .none, .transposed, m: a.rows, n: b.rows, k: d, a: pa.baseAddress!, lda: d,
                        b: pb.baseAddress!, ldb: d, c: pc.baseAddress!, ldc: b.rows)
                }
            }
        }
        return out
    }

    /// The mean of the `k` largest of `count` values.
    static func topMean(_ values: UnsafePointer<Float>, count: Int, k: Int, scratch: inout [Float]) -> Float {
        scratch.withUnsafeMutableBufferPointer { top in
            let slot = top.baseAddress!
            for t in 0..<k { slot[t] = -.infinity }
            for j in 0..<count where values[j] > slot[0] { insertAscending(values[j], into: slot, count: k) }
            var sum: Float = 0
            for t in 0..<k { sum += slot[t] }
            return sum / Float(k)
        }
    }

    /// Puts `value` (larger than `slot[0]`) into the ascending `count` values of `slot`, dropping the smallest.
    @inline(__always)
    static func insertAscending(_ value: Float, into slot: UnsafeMutablePointer<Float>, count: Int) {
        var t = 0
        while t + 1 < count && slot[t + 1] < value {
            slot[t] = slot[t + 1]
            t += 1
        }
        slot[t] = value
    }

    private static func dot(_ a: Matrix, _ i: Int, _ b: Matrix, _ j: Int) -> Float {
        let d = a.columns
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in BLAS.dot(pa.baseAddress! + i * d, pb.baseAddress! + j * d, count: d) }
        }
    }
}
