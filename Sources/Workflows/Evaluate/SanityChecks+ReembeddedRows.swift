import Alignment
import Foundation
import LinearAlgebra
import Reports

extension SanityChecks {
    /// The check's name in the report.
    public static let reembeddedCorpusFollowsIdsName = "reembedded-corpus-follows-ids"

    /// Failed when the rows of the re-embedded corpus (the query model's vectors of the documents,
    /// `--reembedded-corpus`, `data.index.query_model_embeddings`) do not follow the index's rows:
    /// the `re-embedded` row would then search other documents' vectors under these ids and look
    /// worse than it is, and the upgrade's retention and gain recovered would be inflated.
    ///
    /// Row d's re-embedded vector goes through the map that `index-queries-follow-ids` uses (the first
    /// plain map evaluated, else a hybrid's query-model part: both map the query model's space into the
    /// index's), and is ranked (cosine, ties against it) among the index's rows against its own row,
    /// with ``rowOrderBroken(outside:matched:checked:trustedMap:)``'s classes and tolerances: rows spread
    /// evenly over the file (at most ``rowOrderCheckedLimit``), among at most ``rowOrderComparedLimit``
    /// rows. SciFact through stage one: no row outside on correct files; 20% of the rows permuted gave
    /// inflated figures with every other check ok.
    ///
    /// Nil without a `re-embedded` row, without a map of the query model's space, or with a map too weak
    /// to judge.
    /// - Complexity: O(c n m) for c checked rows ranked among n rows of width m.
    static func reembeddedCorpusFollowsIds(_ rows: [EvaluateWorkflow.Row]) throws -> SanityCheck? {
        guard let reembedded = rows.first(where: { $0.name == EvaluateWorkflow.reEmbedded })?.corpus,
            let index = rows.first(where: { $0.name != EvaluateWorkflow.reEmbedded })?.corpus,
            reembedded.rows == index.rows,
            let (mapName, map, _) = try queryModelMap(rows, width: index.columns),
            map.sourceDimension == reembedded.columns
        else { return nil }
        let n = index.rows
        // A seeded sample, not every k-th row: a pattern of moved rows could avoid a fixed stride
        // (pairs of rows swapped outside it passed).
        var generator = SplitMix64(seed: 0, stream: .sample)
        let checkedRows =
            n > rowOrderCheckedLimit ? generator.sample(rowOrderCheckedLimit, from: n) : Array(0..<n)
        let compared = Array(0..<min(n, rowOrderComparedLimit))
        let columns = compared + checkedRows.filter { $0 >= compared.count }
        var column: [Int: Int] = [:]
        for (k, row) in columns.enumerated() { column[row] = k }
        let targets = index.gatherRows(columns).normalizedRows()
        let mapped = try map.applyNormalized(to: reembedded.gatherRows(checkedRows))
        let ranks = OwnTargetRanks(
            mapped: mapped, targets: targets, ownRows: checkedRows.map { column[$0]! }, blockRows: 256)
        let outside = zip(checkedRows, ranks.ahead).filter { ranks.isOutsideQuarter($1) }.map(\.0)
        guard
            let broken = rowOrderBroken(
                outside: outside.count, matched: ranks.topPercent, checked: checkedRows.count, judgeWeakMaps: true)
        else { return nil }
        let spread = checkedRows.count < n ? " (a seeded sample of \(n))" : ""
        let measured =
            "\(checkedRows.count) rows of the re-embedded corpus\(spread), through \(mapName), each ranked among "
            + "\(columns.count) index rows: \(ranks.topPercent) have their own index row in the top 1%, "
            + "\(outside.count) outside the nearest quarter"
        let shown = outside.prefix(5).map(String.init).joined(separator: ", ") + (outside.count > 5 ? ", ..." : "")
        return rowOrderCheck(
            reembeddedCorpusFollowsIdsName, broken: broken, measured: measured, status: .failed,
            cause: " (rows \(shown)): the rows of the re-embedded corpus do not follow the index's rows"
                + (Double(ranks.topPercent) < rowOrderWeakMap * Double(checkedRows.count)
                    ? " (or \(mapName) does not map into the index model's space)" : " in places")
                + ", so the re-embedded row searches other documents' vectors; write that file in the index's row order"
        )
    }
}
