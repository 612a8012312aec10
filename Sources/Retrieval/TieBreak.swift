/// How equal scores are ordered in a ranking: the document with the larger tie rank comes first.
///
/// trec_eval sorts a run by score descending and then by document id descending, comparing ids
/// with `strcmp` (byte-wise, i.e. UTF-8 code-unit order). ``byteWiseIds(_:)`` reproduces that;
/// ``rowIndex`` (higher corpus row first) is the rule for synthetic data without ids.
public struct TieBreak: Sendable, Hashable {
    /// `ranks[row]` = position of the row's id in ascending byte-wise order; nil = the row itself.
    let ranks: [Int32]?

    /// Equal scores: the higher corpus row comes first.
    public static let rowIndex = TieBreak(ranks: nil)

    /// Equal scores: the byte-wise (UTF-8, `strcmp`) larger document id comes first.
    /// `ids[row]` is the id of corpus row `row`; ids should be unique (equal ids get distinct,
    /// arbitrary-but-deterministic ranks by row).
    /// - Complexity: O(n log n) comparisons of ids.
    public static func byteWiseIds(_ ids: [String]) -> TieBreak {
        precondition(ids.count < Int(Int32.max), "too many ids for 32-bit ranks")
        let bytes = ids.map { Array($0.utf8) }
        let order = bytes.indices.sorted { a, b in
            bytes[a].lexicographicallyPrecedes(bytes[b]) || (bytes[a] == bytes[b] && a < b)
        }
        var ranks = [Int32](repeating: 0, count: ids.count)
        for (rank, row) in order.enumerated() { ranks[row] = Int32(rank) }
        return TieBreak(ranks: ranks)
    }

    /// The tie rank of `row` (larger ranks first among equal scores).
    public func rank(ofRow row: Int) -> Int { ranks.map { Int($0[row]) } ?? row }
}

/// Byte-wise (UTF-8) string order: Python's `sorted` on `str` and C's `strcmp` agree with it.
@inline(__always)
func byteWiseLess(_ a: String, _ b: String) -> Bool {
    a.utf8.lexicographicallyPrecedes(b.utf8)
}
