import AdapterFormat
import Alignment
import Foundation
import LinearAlgebra
import Retrieval

/// How well an adapter's score calibration carries a threshold over on the evaluation queries: over
/// each judged query's top `ScoreCalibration.defaultNeighbours` documents by mapped score, the median
/// |index model's own score - mapped score| as the scores come out and after `a * score + b`.
public struct ScoreCalibrationCheck: Sendable, Hashable {
    /// The adapter's calibration (where it was fitted, a and b).
    public var calibration: ScoreCalibration
    /// Queries measured (those of the qrels with a relevant document and an embedding) and documents each.
    public var queries: Int
    public var neighbours: Int
    public var medianAbsoluteDifferenceBefore: Double
    public var medianAbsoluteDifferenceAfter: Double

    /// The check of `adapter` on the queries judged relevant in `qrels`; nil when the adapter carries no
    /// calibration, the index model's queries are not given, or the corpus is not here (searched elsewhere).
    /// - Throws: a shape or search error of the mapping (the evaluation itself reports the same first).
    public static func measure(
        adapter: Adapter, queries: any RowMatrix, queryIds: [String], indexQueries: (any RowMatrix)?,
        corpus: any RowMatrix, qrels: Qrels
    ) throws -> ScoreCalibrationCheck? {
        guard let calibration = adapter.scoreCalibration, let indexQueries, corpus.rows > 0,
            indexQueries.rows == queries.rows, indexQueries.columns == corpus.columns
        else { return nil }
        let judged = qrels.judgments.filter { $0.value.values.contains { $0 > 0 } }
        let rows = queryIds.indices.filter { judged[queryIds[$0]] != nil }
        guard !rows.isEmpty else { return nil }
        let x = queries.gatherRows(rows), own = indexQueries.gatherRows(rows)
        let mapped =
            try adapter.hybrid.map { try $0.concatenated.apply(to: concatenateRows(x, own)) }
            ?? adapter.map.apply(to: x)
        let pairs = try ScorePairs.queries(mapped: mapped, reference: own, corpus: corpus)
        let (before, after) = pairs.medianAbsoluteDifferences(scale: calibration.scale, offset: calibration.offset)
        return ScoreCalibrationCheck(
            calibration: calibration, queries: pairs.queries, neighbours: pairs.neighbours,
            medianAbsoluteDifferenceBefore: before, medianAbsoluteDifferenceAfter: after)
    }

    /// One line for a person.
    public var summary: String {
        String(
            format: "score calibration (%@, a %.4f, b %.4f) on %d queries x top %d: median |index model - mapped| "
                + "%.4f as mapped, %.4f calibrated",
            calibration.fittedOn.rawValue, calibration.scale, calibration.offset, queries, neighbours,
            medianAbsoluteDifferenceBefore, medianAbsoluteDifferenceAfter)
    }

    /// The fields for `era evaluate --json`.
    public var jsonObject: [String: Any] {
        [
            "fitted_on": calibration.fittedOn.rawValue, "scale": calibration.scale, "offset": calibration.offset,
            "queries": queries, "neighbours": neighbours, "median_abs_diff_before": medianAbsoluteDifferenceBefore,
            "median_abs_diff_after": medianAbsoluteDifferenceAfter,
        ]
    }
}
