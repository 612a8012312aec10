/// "Did you mean" suggestions by edit distance.
package enum Suggestion {
    /// The candidate closest to `word` in Levenshtein distance, if close enough to be a likely typo
    /// (at most 2 edits, or a third of the word's length for long words), else a candidate that
    /// starts the word or that the word starts (`hardest` -> `hard`).
    package static func nearest(to word: String, among candidates: [String]) -> String? {
        let limit = max(2, word.count / 3)
        if let close = closest(to: word, among: candidates, limit: limit) { return close }
        let lowered = word.lowercased()
        return candidates.first { candidate in
            let c = candidate.lowercased()
            return c.count >= 3 && lowered.count >= 3 && (lowered.hasPrefix(c) || c.hasPrefix(lowered))
        }
    }

    private static func closest(to word: String, among candidates: [String], limit: Int) -> String? {
        let scored = candidates.map { ($0, distance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= limit else { return nil }
        return best.0
    }

    /// Levenshtein distance over Characters.
    /// - Complexity: O(|a| |b|).
    package static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
