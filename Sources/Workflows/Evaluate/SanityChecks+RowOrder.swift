import Alignment
import Foundation
import LinearAlgebra
import Reports

extension SanityChecks {
    /// The check's name in the report.
    public static let indexQueriesFollowIdsName = "index-queries-follow-ids"
    /// At most this many queries are compared (the first ones): an `n x n` similarity matrix.
    public static let rowOrderLimit = 2_000
    /// Below this many queries the check says nothing.
    public static let rowOrderMinimum = 50
    /// The share of queries whose own vector must rank in the top 1% before a map is trusted to judge.
    public static let rowOrderMatched = 0.5
    /// The check fails when more than this share of queries (and more than 5) rank their own index-model
    /// vector in the bottom half.
    public static let rowOrderTolerance = 0.02

    /// Failed when the rows of the index model's queries do not follow the query ids in places.
    ///
    /// A plain map's vector of query i, f(x_i), is compared with every row y_j of the index model's
    /// queries (cosine), and r_i counts the rows more similar to it than y_i. Where the files agree and
    /// the map is good (at least ``rowOrderMatched`` of the queries have r_i in the top 1%), y_i is
    /// almost never in the bottom half (r_i > n/2): none of 1,109 SciFact queries for minilm or
    /// e5small, 2 for static, through a Procrustes map. A row that holds another query's vector falls
    /// there half the time, so 10% of the rows swapped put 52-60 queries there. The `index-as-is` row
    /// would then score other queries' vectors and look worse than it is, and a verdict would follow.
    ///
    /// `queryIds` name the queries of the rows, for the message.
    /// Nil without an `index-as-is` row, a plain map of the same queries (a hybrid map reads the
    /// index model's queries itself), ``rowOrderMinimum`` queries, or a map good enough to judge.
    /// - Complexity: O(n^2 m) for n = min(queries, ``rowOrderLimit``) queries of width m.
    static func indexQueriesFollowIds(_ rows: [EvaluateWorkflow.Row], queryIds: [String]) throws -> SanityCheck? {
        guard let own = rows.first(where: { $0.name == EvaluateWorkflow.indexAsIs && $0.map == nil }),
            let mapped = rows.first(where: { row in
                guard let map = row.map, !row.readsIndexQueries else { return false }
                return row.queries.rows == own.queries.rows && map.targetDimension == own.queries.columns
            }),
            let map = mapped.map
        else { return nil }
        let n = min(own.queries.rows, rowOrderLimit)
        guard n >= rowOrderMinimum else { return nil }
        let f = try map.applyNormalized(to: mapped.queries.gatherRows(0..<n))
        let y = own.queries.gatherRows(0..<n).normalizedRows()
        let similarities = try Matrix.multiply(f, y, transB: .transposed)
        let top = max(1, n / 100)
        var matched = 0
        var bottom: [Int] = []
        similarities.withUnsafeBufferPointer { s in
            for i in 0..<n {
                let row = s.baseAddress! + i * n
                let ownScore = row[i]
                var above = 0
                for j in 0..<n where row[j] > ownScore { above += 1 }
                if above < top { matched += 1 }
                if above > n / 2 { bottom.append(i) }
            }
        }
        guard Double(matched) >= rowOrderMatched * Double(n) else { return nil }
        let compared = "\(n) queries, through \(mapped.name)"
        guard bottom.count > max(5, Int(rowOrderTolerance * Double(n))) else {
            return SanityCheck(
                name: indexQueriesFollowIdsName, status: .ok,
                detail:
                    "\(compared): each query's index-model vector is among the nearest to its mapped vector "
                    + "(\(matched) in the top 1%, \(bottom.count) in the bottom half)")
        }
        let shown = bottom.prefix(5).map { $0 < queryIds.count ? queryIds[$0] : "row \($0)" }.joined(separator: ", ")
        return SanityCheck(
            name: indexQueriesFollowIdsName, status: .failed,
            detail:
                "\(compared): \(bottom.count) queries have an index-model vector farther from their mapped vector "
                + "than half the other queries' are (query ids \(shown)\(bottom.count > 5 ? ", ..." : "")), while "
                + "\(matched) have it in the top 1%: the rows of the index model's query file do not follow the "
                + "query ids in places, so index-as-is scores other queries' vectors; write that file in query-id order"
        )
    }

    /// The check's name in the report.
    public static let alignmentPairsMatchName = "alignment-pairs-match"

    /// A warning when some alignment pairs do not hold the same text: more than ``rowOrderTolerance``
    /// of stage one's held-out pairs (and more than 5) rank their own target in the bottom half while
    /// at least ``rowOrderMatched`` rank it in the top 1%. On SciFact's corpus (518 held-out pairs of
    /// `era align` with defaults) no pair does in row order (mpnet to minilm and static, minilm to
    /// e5small); with 10% of the target rows moved along a cycle 25 (minilm) and 21 (static) do, with
    /// 30% 83 and 88; 5% stays below the tolerance. The map is still measured honestly downstream (the
    /// pairs only train it), hence a warning.
    ///
    /// Nil without a held-out report that measured it, with fewer than ``rowOrderMinimum`` pairs, or
    /// with a map too weak to judge (stage one near chance is ``alignmentAboveChance(_:idsFile:)``'s).
    public static func alignmentPairsMatch(_ heldOut: HeldOutReport?, idsFile: String?) -> SanityCheck? {
        guard let heldOut, heldOut.pairs >= rowOrderMinimum, let bottom = heldOut.bottomHalfFraction,
            let top = heldOut.topPercentAccuracy, top >= rowOrderMatched
        else { return nil }
        let count = Int((bottom * Double(heldOut.pairs)).rounded())
        let measured =
            "of \(heldOut.pairs) held-out pairs, \(Int((top * Double(heldOut.pairs)).rounded())) rank their own "
            + "target in the top 1% and \(count) in the bottom half"
        guard count > max(5, Int(rowOrderTolerance * Double(heldOut.pairs))) else {
            return SanityCheck(name: alignmentPairsMatchName, status: .ok, detail: measured)
        }
        return SanityCheck(
            name: alignmentPairsMatchName, status: .warning,
            detail:
                "\(measured): about \(min(100, Int((200 * bottom).rounded())))% of the pairs may not hold the same text "
                + "in both alignment files (rows out of order in places"
                + (idsFile.map { ", check \($0)" } ?? "") + "); stage one learned from the rest")
    }
}

extension SanityChecks {
    /// The check's name in the report.
    public static let indexRowsName = "index-rows"
    /// Rows whose length is within this of 1 count as unit length.
    public static let unitLengthTolerance = 0.01

    /// A warning when the index holds all-zero rows (a document that failed to embed: it scores 0
    /// for every query, so no row of the table finds it except by accident), or
    /// rows that are not unit length: era ranks by inner product, as an inner-product index does, and
    /// a cosine or L2 index would rank such rows otherwise. Nil for an empty corpus (a store's).
    /// - Complexity: O(N m), one pass over the N rows.
    public static func indexRows(_ corpus: any RowMatrix) -> SanityCheck? {
        let n = corpus.rows, m = corpus.columns
        guard n > 0, m > 0 else { return nil }
        var zero: [Int] = []
        var shortest = Double.infinity, longest = 0.0
        corpus.withUnsafeBufferPointer { values in
            for i in 0..<n {
                var sum = 0.0
                for j in 0..<m {
                    let v = Double(values[i * m + j])
                    sum += v * v
                }
                let length = sum.squareRoot()
                if length == 0 {
                    zero.append(i)
                } else {
                    shortest = min(shortest, length)
                    longest = max(longest, length)
                }
            }
        }
        var problems: [String] = []
        if !zero.isEmpty {
            let rows = zero.prefix(5).map(String.init).joined(separator: ", ") + (zero.count > 5 ? ", ..." : "")
            problems.append(
                "\(zero.count) of \(n) rows are all zero (rows \(rows), from 0): documents that did not embed; "
                    + "they score 0 for every query, so no row of the table finds them except by accident")
        }
        let unit =
            zero.count == n || (abs(shortest - 1) <= unitLengthTolerance && abs(longest - 1) <= unitLengthTolerance)
        if !unit {
            problems.append(
                "the rows are not unit length (\(format(shortest, digits: 3)) to \(format(longest, digits: 3))): era ranks "
                    + "by inner product, as an inner-product index does; if your index ranks by cosine or L2 "
                    + "distance, normalize the rows first, or the figures are not your index's")
        }
        guard !problems.isEmpty else {
            return SanityCheck(name: indexRowsName, status: .ok, detail: "\(n) rows, all of unit length")
        }
        return SanityCheck(name: indexRowsName, status: .warning, detail: problems.joined(separator: "; "))
    }
}
