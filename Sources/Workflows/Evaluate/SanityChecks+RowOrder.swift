import Alignment
import Foundation
import LinearAlgebra
import Reports

extension SanityChecks {
    /// The check's name in the report.
    public static let indexQueriesFollowIdsName = SanityCheck.Name.indexQueriesFollowIds
    /// At most this many evaluated queries are checked (the first ones of the evaluation).
    public static let rowOrderCheckedLimit = 2_000
    /// Each checked query's vector is ranked among at most this many rows (the first ones, and the
    /// checked rows), scored in blocks.
    public static let rowOrderComparedLimit = 20_000
    /// Below this many checked rows the check says nothing.
    public static let rowOrderMinimum = 20
    /// A map that ranks at least this share of rows' own vectors in the top 1% is a good judge:
    /// on SciFact's own files no such map put a single row outside the nearest quarter.
    public static let rowOrderGoodMap = 0.8
    /// A map below ``rowOrderGoodMap`` judges from this share up, with ``rowOrderWeakTolerance``.
    public static let rowOrderWeakMap = 0.3
    /// Rows outside the nearest quarter that a good map tolerates, as a share of the checked rows
    /// (and at least 3).
    public static let rowOrderTolerance = 0.02
    /// The same for a weaker map: a Procrustes map from 200 texts (58% in the top 1%) put 4.7% there.
    public static let rowOrderWeakTolerance = 0.10
    /// Rows outside the nearest quarter above which a good map warns, short of failing (and above 3):
    /// correct files put none there, and 2% of a file's rows moved put 2% of the evaluated ones there.
    public static let rowOrderWarningShare = 0.01
    /// Rows outside the nearest quarter above which a map too weak to vouch for the rows
    /// (below ``rowOrderWeakMap``) still fails them: half of them, two thirds of chance (a Procrustes map
    /// from 60 texts put 37-47% there on correct SciFact files; 75% and 85% of the rows permuted, 59% and 63%).
    public static let rowOrderUnvouchedOutside = 0.5

    /// The rows a rank statistic judges: `outside` of `checked` rows have their own vector outside the
    /// nearest quarter, `matched` have it in the top 1%. Nil when no map can judge (below
    /// ``rowOrderWeakMap``, or fewer than ``rowOrderMinimum`` rows); else whether `outside` is beyond the
    /// tolerance of the map's class. With `trustedMap` (a map known to be good: stage one, for a
    /// calibration) a share below ``rowOrderWeakMap`` is broken too (another model's vectors, or rows
    /// shuffled throughout), instead of no judgement.
    ///
    /// With `judgeWeakMaps` (the checks of files a verdict reads), a share below ``rowOrderWeakMap`` is
    /// broken too when more than ``rowOrderUnvouchedOutside`` of the rows (and more than 3) sit outside
    /// the nearest quarter: the share is measured on the rows under test, so rows mostly shuffled
    /// lowered it below the line and the check disappeared (75% of an index-model query file permuted:
    /// no check, and a "switch" verdict). A correct file through a map that ranks well puts almost none
    /// outside; rows of other queries put three in four there.
    static func rowOrderBroken(
        outside: Int, matched: Int, checked: Int, trustedMap: Bool = false, judgeWeakMaps: Bool = false
    ) -> Bool? {
        guard checked >= rowOrderMinimum else { return nil }
        let share = Double(matched) / Double(checked)
        if share < rowOrderWeakMap, judgeWeakMaps, !trustedMap {
            return outside > max(3, Int(rowOrderUnvouchedOutside * Double(checked))) ? true : nil
        }
        guard share >= rowOrderWeakMap else { return trustedMap ? true : nil }
        let tolerance = share >= rowOrderGoodMap ? rowOrderTolerance : rowOrderWeakTolerance
        return outside > max(3, Int(tolerance * Double(checked)))
    }

    /// Whether rows short of ``rowOrderBroken(outside:matched:checked:trustedMap:judgeWeakMaps:)`` are still
    /// worth a warning: a good map (``rowOrderGoodMap``) with more than ``rowOrderWarningShare`` of the
    /// rows (and more than 3) outside the nearest quarter.
    static func rowOrderSuspect(outside: Int, matched: Int, checked: Int) -> Bool {
        Double(matched) >= rowOrderGoodMap * Double(checked)
            && outside > max(3, Int(rowOrderWarningShare * Double(checked)))
    }

    /// A row-order check's line: ok with what was measured, or `status` with the rows named and the cause.
    static func rowOrderCheck(
        _ name: String, broken: Bool, measured: String, status: SanityCheck.Status, cause: String
    ) -> SanityCheck {
        SanityCheck(name: name, status: broken ? status : .ok, detail: broken ? "\(measured)\(cause)" : measured)
    }

    /// Failed when the rows of the index model's queries do not follow the query ids in places, or
    /// some of them are all zero: the `index-as-is` row would score other queries' vectors (or none)
    /// for those queries and look worse than it is, and a verdict would follow.
    ///
    /// Each evaluated query's mapped vector f(x_i) is compared (cosine) with the index model's query
    /// rows, and r_i counts the other rows scoring at least as high as its own y_i (ties count
    /// against it, so copies of one vector do not pass). The map is the first plain one evaluated, else
    /// a hybrid map's query-model part (W x + b). Where the files agree and the map is good
    /// (``rowOrderGoodMap``), y_i is in the nearest quarter for every query; a row holding another
    /// query's vector lands outside it three times in four. SciFact, 300 test queries: no row outside on
    /// correct files (Procrustes maps to minilm, static and e5small, and from 1,000 texts to static);
    /// 15 of the evaluated rows moved put 10-14 outside, a block of 15 shifted by one 6-9.
    ///
    /// - Parameters:
    ///   - queryIds: the id of each query row, for the message.
    ///   - evaluated: the evaluated query ids (rows with qrels): what the `index-as-is` row reads.
    /// Without an `index-as-is` row, the index model's vectors are those a hybrid map reads (the `y`
    /// part of its `[x y]` rows): a hybrid trained on shuffled rows got "use adapt" with no check.
    /// Nil without either, a map of the same queries, or a map good enough to judge.
    /// - Complexity: O(c n m) for c checked rows ranked among n rows of width m.
    /// - Parameter trustedMap: the map is known to be good (stage one, for a calibration):
    ///   `rowOrderBroken(outside:matched:checked:trustedMap:)`.
    static func indexQueriesFollowIds(
        _ rows: [EvaluateWorkflow.Row], queryIds: [String], evaluated: [String], trustedMap: Bool = false
    ) throws -> SanityCheck? {
        guard let indexQueries = indexModelQueries(rows),
            let (mapName, map, queries) = try queryModelMap(rows, width: indexQueries.columns, rows: indexQueries.rows)
        else { return nil }
        var position: [String: Int] = [:]
        for (row, id) in queryIds.enumerated() where row < indexQueries.rows { position[id] = row }
        let checkedRows = evaluated.compactMap { position[$0] }.prefix(rowOrderCheckedLimit)
        let compared = Array(0..<min(indexQueries.rows, rowOrderComparedLimit))
        let columns = compared + checkedRows.filter { $0 >= compared.count }
        var column: [Int: Int] = [:]
        for (k, row) in columns.enumerated() { column[row] = k }
        let y = indexQueries.gatherRows(columns).normalizedRows()
        let f = try map.applyNormalized(to: queries.gatherRows(checkedRows))
        let zero = checkedRows.filter { row in y.row(column[row]!).allSatisfy { $0 == 0 } }
        func named(_ rows: [Int]) -> String {
            rows.prefix(5).map { $0 < queryIds.count ? queryIds[$0] : "row \($0)" }.joined(separator: ", ")
                + (rows.count > 5 ? ", ..." : "")
        }
        let checked = "\(checkedRows.count) evaluated queries, through \(mapName)"
        if !zero.isEmpty {
            return SanityCheck(
                name: indexQueriesFollowIdsName, status: .failed,
                detail:
                    "\(checked): \(zero.count) have an all-zero index-model vector (query ids \(named(zero))): "
                    + "queries the index model did not embed, which index-as-is scores as nothing; embed them again")
        }
        let ranks = OwnTargetRanks(mapped: f, targets: y, ownRows: checkedRows.map { column[$0]! }, blockRows: 256)
        let matched = ranks.topPercent
        let outside = zip(checkedRows, ranks.ahead).filter { ranks.isOutsideQuarter($1) }.map(\.0)
        guard
            let broken = rowOrderBroken(
                outside: outside.count, matched: matched, checked: checkedRows.count, trustedMap: trustedMap,
                judgeWeakMaps: true)
        else { return nil }
        let limited =
            evaluated.count > checkedRows.count ? " (the first \(checkedRows.count) of \(evaluated.count))" : ""
        let measured =
            "\(checked)\(limited), each ranked among \(columns.count) rows: \(matched) have their own index-model "
            + "vector in the top 1%, \(outside.count) outside the nearest quarter"
        // A good map with a few rows outside, short of failing: the verdict stands, with this said.
        if !broken, rowOrderSuspect(outside: outside.count, matched: matched, checked: checkedRows.count) {
            return SanityCheck(
                name: indexQueriesFollowIdsName, status: .warning,
                detail: "\(measured) (query ids \(named(outside))): a few rows of the index model's query file may "
                    + "belong to other queries, which would make index-as-is look worse than it is; check that "
                    + "file's order against the query ids")
        }
        let cause =
            Double(matched) < rowOrderWeakMap * Double(checkedRows.count)
            ? ": these are not the index model's vectors of these queries in query-id order (another model's, or "
                + "rows shuffled), or \(mapName) does not map into this index model's space"
            : " (query ids \(named(outside))): the rows of the index model's query file do not follow the query ids "
                + "in places, so index-as-is scores other queries' vectors; write that file in query-id order"
        return rowOrderCheck(
            indexQueriesFollowIdsName, broken: broken, measured: measured, status: .failed, cause: cause)
    }

    /// The index model's query vectors: the `index-as-is` row's, else the `y` part of the first hybrid
    /// map's `[x y]` rows.
    private static func indexModelQueries(_ rows: [EvaluateWorkflow.Row]) -> (any RowMatrix)? {
        if let own = rows.first(where: { $0.name == EvaluateWorkflow.indexAsIs && $0.map == nil }) {
            return own.queries
        }
        guard let hybrid = rows.first(where: { $0.readsIndexQueries }), let map = hybrid.map,
            hybrid.queries.columns > map.targetDimension
        else { return nil }
        return splitColumns(hybrid.queries, at: hybrid.queries.columns - map.targetDimension).y
    }

    /// The first plain map of the query model's vectors evaluated (its name, map and queries), else the
    /// query-model part of the first hybrid map (W x + b of f(x, y) = W x + V y + b, on the `x` of its
    /// `[x y]` rows); with `count`, only maps of that many queries.
    static func queryModelMap(
        _ rows: [EvaluateWorkflow.Row], width: Int, rows count: Int? = nil
    ) throws -> (String, AffineMap<Float>, any RowMatrix)? {
        let candidates = rows.filter { $0.map?.targetDimension == width && (count == nil || $0.queries.rows == count) }
        if let plain = candidates.first(where: { !$0.readsIndexQueries }), let map = plain.map {
            return (plain.name, map, plain.queries)
        }
        guard let hybrid = candidates.first, let map = hybrid.map, map.sourceDimension > width else { return nil }
        let p = map.sourceDimension - width
        let parts = try HybridMap(concatenated: map, source: p)
        return (
            "\(hybrid.name) (its query-model part)", try AffineMap(weight: parts.weight, bias: parts.bias),
            splitColumns(hybrid.queries, at: p).x
        )
    }

    /// The check's name in the report.
    public static let alignmentPairsMatchName = "alignment-pairs-match"

    /// A warning when some alignment pairs do not hold the same text: stage one's held-out pairs judged
    /// as `index-queries-follow-ids` judges rows (`rowOrderBroken(outside:matched:checked:)` on their own
    /// targets' ranks). The map is still measured honestly downstream (the pairs only
    /// train it), hence a warning.
    ///
    /// Nil without a held-out report that measured it, with fewer than ``rowOrderMinimum`` pairs, or
    /// with a map too weak to judge (stage one near chance is ``alignmentAboveChance(_:idsFile:)``'s).
    public static func alignmentPairsMatch(_ heldOut: HeldOutReport?, idsFile: String?) -> SanityCheck? {
        guard let heldOut, let outsideShare = heldOut.outsideQuarterFraction,
            let topShare = heldOut.topPercentAccuracy
        else { return nil }
        let h = Double(heldOut.pairs)
        let outside = Int((outsideShare * h).rounded()), matched = Int((topShare * h).rounded())
        guard let broken = rowOrderBroken(outside: outside, matched: matched, checked: heldOut.pairs) else {
            return nil
        }
        let measured =
            "of \(heldOut.pairs) held-out pairs, \(matched) rank their own target in the top 1% and \(outside) "
            + "outside the nearest quarter"
        return rowOrderCheck(
            alignmentPairsMatchName, broken: broken, measured: measured, status: .warning,
            cause: ": some pairs may not hold the same text in both alignment files (rows out of order in places"
                + (idsFile.map { ", check \($0)" } ?? "") + "; or rows that did not embed, all zero); stage one "
                + "learned from the rest")
    }
}
