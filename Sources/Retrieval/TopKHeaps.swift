/// One bounded min-heap of size k per query, on unsafe buffers, fed row by row of a score block.
///
/// The heap root is the *worst* kept entry: lower score, or equal score and lower tie rank. A new
/// score enters only if it beats the root, so after the first few thousand documents almost every
/// score is rejected by one comparison against a running threshold (the root's score).
/// Empty slots are sentinels (score -inf, row -1, tie rank -1): any real score, even -inf, beats them.
/// NaN scores never enter (every comparison with NaN is false); exclusion uses that.
final class TopKHeaps {
    let k: Int
    let queries: Int
    private let heapScores: UnsafeMutablePointer<Float>
    private let heapRows: UnsafeMutablePointer<Int>

    init(queries: Int, k: Int) {
        self.k = k
        self.queries = queries
        heapScores = .allocate(capacity: queries * k)
        heapScores.initialize(repeating: -.infinity, count: queries * k)
        heapRows = .allocate(capacity: queries * k)
        heapRows.initialize(repeating: -1, count: queries * k)
    }

    deinit {
        heapScores.deallocate()
        heapRows.deallocate()
    }

    @inline(__always)
    private static func tie(_ row: Int, _ ranks: UnsafePointer<Int32>?) -> Int {
        row < 0 ? -1 : (ranks.map { Int($0[row]) } ?? row)
    }

    /// Offers `count` scores of `query`; `scores[j]` belongs to corpus row `firstRow + j`.
    ///
    /// Sixteen scores at a time are compared against the threshold with one vector compare;
    /// only a group holding a candidate goes through the scalar path.
    /// - Complexity: O(count) comparisons plus O(log k) per accepted score.
    @inline(__always)
    func offer(query: Int, scores: UnsafePointer<Float>, count: Int, firstRow: Int, ranks: UnsafePointer<Int32>?) {
        let hs = heapScores + query * k
        let hr = heapRows + query * k
        let raw = UnsafeRawPointer(scores)
        var threshold = SIMD16<Float>(repeating: hs[0])
        var j = 0
        while j + 16 <= count {
            let group = raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD16<Float>.self)
            // `.>=` is false for NaN, so NaN (excluded) scores never reach the scalar path.
            if any(group .>= threshold) {
                offerScalar(hs, hr, scores + j, 16, firstRow + j, ranks)
                threshold = SIMD16<Float>(repeating: hs[0])
            }
            j += 16
        }
        offerScalar(hs, hr, scores + j, count - j, firstRow + j, ranks)
    }

    @inline(__always)
    private func offerScalar(
        _ hs: UnsafeMutablePointer<Float>, _ hr: UnsafeMutablePointer<Int>,
        _ scores: UnsafePointer<Float>, _ count: Int, _ firstRow: Int,
        _ ranks: UnsafePointer<Int32>?
    ) {
        var threshold = hs[0]
        for j in 0..<count {
            let s = scores[j]
            // Strictly below the worst kept score (or NaN): rejected.
            guard s >= threshold else { continue }
            let row = firstRow + j
            let t = Self.tie(row, ranks)
            if s == threshold && t <= Self.tie(hr[0], ranks) { continue }
            Self.replaceRoot(hs, hr, k, s, row, t, ranks)
            threshold = hs[0]
        }
    }

    /// Replaces the root by (s, row) and restores the heap order (sift down).
    @inline(__always)
    private static func replaceRoot(
        _ hs: UnsafeMutablePointer<Float>, _ hr: UnsafeMutablePointer<Int>, _ k: Int,
        _ s: Float, _ row: Int, _ t: Int, _ ranks: UnsafePointer<Int32>?
    ) {
        var i = 0
        while true {
            let left = 2 * i + 1
            if left >= k { break }
            var child = left
            let right = left + 1
            if right < k
                && (hs[right] < hs[left] || (hs[right] == hs[left] && tie(hr[right], ranks) < tie(hr[left], ranks)))
            {
                child = right
            }
            let childWorse = hs[child] < s || (hs[child] == s && tie(hr[child], ranks) < t)
            if !childWorse { break }
            hs[i] = hs[child]
            hr[i] = hr[child]
            i = child
        }
        hs[i] = s
        hr[i] = row
    }

    /// The kept entries of every query, sorted by score descending then tie rank descending.
    /// - Complexity: O(queries * k log k).
    func result(tieBreak: TieBreak, requestedK: Int) -> SearchResult {
        var rows = [Int]()
        var scores = [Float]()
        var offsets = [0]
        rows.reserveCapacity(queries * k)
        scores.reserveCapacity(queries * k)
        offsets.reserveCapacity(queries + 1)
        var entries = [(score: Float, tie: Int, row: Int)]()
        entries.reserveCapacity(k)
        for q in 0..<queries {
            entries.removeAll(keepingCapacity: true)
            for slot in 0..<k where heapRows[q * k + slot] >= 0 {
                let row = heapRows[q * k + slot]
                entries.append((heapScores[q * k + slot], tieBreak.rank(ofRow: row), row))
            }
            entries.sort { $0.score > $1.score || ($0.score == $1.score && $0.tie > $1.tie) }
            for e in entries {
                rows.append(e.row)
                scores.append(e.score)
            }
            offsets.append(rows.count)
        }
        return SearchResult(k: requestedK, rows: rows, scores: scores, offsets: offsets)
    }
}
