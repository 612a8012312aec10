import Alignment
import Foundation

/// A score calibration in an adapter's metadata (string values): `score_scale` (a) and `score_offset`
/// (b), what it was fitted on and how well, so that whoever applies `a * score + b` can tell where it
/// comes from. Stage two drops the keys it cannot vouch for and says why in `score_calibration_note`.
extension ScoreCalibration {
    /// Every key this calibration writes, and the note an adapter without one may carry instead.
    public static let metadataKeys = [
        "score_scale", "score_offset", "score_calibration_fitted_on", "score_calibration_count",
        "score_calibration_neighbours", "score_calibration_median_before", "score_calibration_median_after",
        "score_calibration_carried_through_queries", noteKey,
    ]
    /// Why an adapter has no calibration (or how it got its one), in words.
    public static let noteKey = "score_calibration_note"

    /// The metadata entries (a round trip through ``init(metadata:)`` gives the same calibration).
    public var metadata: [String: String] {
        var out = [
            "score_scale": String(scale), "score_offset": String(offset),
            "score_calibration_fitted_on": fittedOn.rawValue, "score_calibration_count": String(count),
            "score_calibration_neighbours": String(neighbours),
            "score_calibration_median_before": String(medianAbsoluteDifferenceBefore),
            "score_calibration_median_after": String(medianAbsoluteDifferenceAfter),
        ]
        if let carriedThroughQueries {
            out["score_calibration_carried_through_queries"] = String(carriedThroughQueries)
        }
        return out
    }

    /// The calibration in `metadata`; nil without a finite `score_scale` > 0 and a finite `score_offset`.
    /// Adapters written before the other keys existed read as fitted on the alignment texts (the only
    /// fit there was), count and medians 0.
    public init?(metadata: [String: String]) {
        guard let scale = metadata["score_scale"].flatMap(Double.init), scale > 0, scale.isFinite,
            let offset = metadata["score_offset"].flatMap(Double.init), offset.isFinite
        else { return nil }
        func number(_ key: String) -> Double { metadata[key].flatMap(Double.init) ?? 0 }
        self.init(
            scale: scale, offset: offset,
            fittedOn: metadata["score_calibration_fitted_on"].flatMap(FittingData.init(rawValue:)) ?? .alignmentTexts,
            count: metadata["score_calibration_count"].flatMap(Int.init) ?? 0,
            neighbours: metadata["score_calibration_neighbours"].flatMap(Int.init) ?? Self.defaultNeighbours,
            medianAbsoluteDifferenceBefore: number("score_calibration_median_before"),
            medianAbsoluteDifferenceAfter: number("score_calibration_median_after"),
            carriedThroughQueries: metadata["score_calibration_carried_through_queries"].flatMap(Int.init))
    }

    /// One line for a person, e.g. "score calibration (809 labeled queries x top 100): a 0.655, b 0.426;
    /// median |index model - mapped| 0.2128 -> 0.0125".
    public var summary: String {
        let data = fittedOn == .labeledQueries ? "labeled queries" : "alignment texts"
        var line = "score calibration (\(count) \(data) x top \(neighbours)"
        if let carriedThroughQueries { line += ", carried onto this map through \(carriedThroughQueries) queries" }
        let reference = carriedThroughQueries == nil ? "index model" : "stage one calibrated"
        line += "): a \(format(scale)), b \(format(offset)); median |\(reference) - mapped| "
        line += "\(format(medianAbsoluteDifferenceBefore)) -> \(format(medianAbsoluteDifferenceAfter))"
        return line
    }

    /// The fields for a JSON summary.
    public var jsonObject: [String: Any] {
        var out: [String: Any] = [
            "scale": scale, "offset": offset, "fitted_on": fittedOn.rawValue, "count": count,
            "neighbours": neighbours, "median_abs_diff_before": medianAbsoluteDifferenceBefore,
            "median_abs_diff_after": medianAbsoluteDifferenceAfter,
        ]
        if let carriedThroughQueries { out["carried_through_queries"] = carriedThroughQueries }
        return out
    }

    private func format(_ value: Double) -> String { String(format: "%.4f", value) }
}

extension Adapter {
    /// The score calibration in the adapter's metadata (`ScoreCalibration(metadata:)`), if any.
    public var scoreCalibration: ScoreCalibration? { ScoreCalibration(metadata: extraMetadata) }
}
