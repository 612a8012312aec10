import AdapterFormat
import Alignment
import LinearAlgebra

/// The score calibration of the adapter stage two writes: a stage-two map scores on another scale than
/// stage one's, so the calibration fitted for stage one cannot be passed on as it is (on SciFact it
/// even widened the gap on the static index: docs/upgrading.md).
///
/// - With the index model's vectors of the labeled queries (they feed the map, or the user gave them for
///   calibration only), it is fitted again on the labeled queries: `fitted_on: labeled-queries`.
/// - Without them, stage one's calibration is carried onto the new map through the labeled queries:
///   the new map's scores matched to stage one's calibrated scores of the same documents
///   (`ScoreCalibration.carried(_:through:)`).
/// - When neither works, the adapter carries no calibration and `score_calibration_note` says why.
public enum AdaptCalibration {
    /// What stage two writes about scores.
    public struct Outcome: Sendable {
        /// The calibration of the adapter written (nil: none).
        public var calibration: ScoreCalibration?
        /// Why there is none, when the stage-one adapter had one or a fit failed.
        public var note: String?

        /// The adapter metadata entries: the calibration's keys, or the note.
        public var metadata: [String: String] {
            if let calibration { return calibration.metadata }
            return note.map { [ScoreCalibration.noteKey: $0] } ?? [:]
        }
    }

    /// The calibration of `adapter` (stage two's result) on the labeled queries `labeled` of `problem`.
    /// - Parameters:
    ///   - adapter: stage two's adapter, whose map is calibrated.
    ///   - labeled: the labeled query ids stage two trained on.
    ///   - problem: stage two's problem (queries, index).
    ///   - indexQueries: the index model's vectors of `problem.queries` (same rows), when they may be
    ///     used: `problem.indexQueries`, or vectors given for calibration only (a retired index model).
    ///   - stageOne: the adapter stage two started from (its calibration is carried without `indexQueries`).
    public static func calibrate(
        _ adapter: Adapter, problem: AdaptProblem, labeled: [String], indexQueries: (any RowMatrix)?,
        stageOne: Adapter
    ) -> Outcome {
        var rowOf = [String: Int](minimumCapacity: problem.queryIds.count)
        for (row, id) in problem.queryIds.enumerated() where rowOf[id] == nil { rowOf[id] = row }
        let rows = labeled.compactMap { rowOf[$0] }
        let earlier = stageOne.scoreCalibration
        if let given = indexQueries, given.rows != problem.queries.rows || given.columns != problem.corpus.columns {
            return Outcome(
                calibration: nil,
                note: "no score calibration: the index-model queries are \(given.rows) x \(given.columns), "
                    + "not one row of \(problem.corpus.columns) values per query (\(problem.queries.rows))")
        }
        // The index model's vectors of the wrong queries (rows out of order) or of another model fit a
        // calibration as readily as the right ones: judged through stage one first, as evaluate judges
        // its index-as-is row.
        if let given = indexQueries, !stageOne.isHybrid,
            let check = try? SanityChecks.indexQueriesFollowIds(
                [
                    EvaluateWorkflow.Row(
                        name: EvaluateWorkflow.indexAsIs, role: .baseline, queries: given, corpus: problem.corpus),
                    EvaluateWorkflow.Row(
                        name: "stage one", role: .stage, queries: problem.queries, corpus: problem.corpus,
                        map: stageOne.map),
                ], queryIds: problem.queryIds, evaluated: labeled, trustedMap: true),
            check.status == .failed
        {
            return Outcome(
                calibration: nil,
                note: "no score calibration: the index model's query vectors do not match these queries: "
                    + check.detail.replacingOccurrences(of: "evaluated queries", with: "labeled queries"))
        }
        do {
            let queries = problem.queries.gatherRows(rows)
            let own = indexQueries.map { $0.gatherRows(rows) }
            let mapped: Matrix
            if let hybrid = adapter.hybrid {
                guard let own else {
                    return Outcome(
                        calibration: nil, note: "no score calibration: a hybrid map without index-model queries")
                }
                mapped = try hybrid.concatenated.apply(to: concatenateRows(queries, own))
            } else {
                mapped = try adapter.map.apply(to: queries)
            }
            if let own {
                let pairs = try ScorePairs.queries(mapped: mapped, reference: own, corpus: problem.corpus)
                return Outcome(calibration: try ScoreCalibration.fit(labeledQueries: pairs), note: nil)
            }
            guard let earlier else { return Outcome(calibration: nil, note: nil) }
            let stageOneMapped = try stageOne.map.apply(to: queries)
            let pairs = try ScorePairs.queries(mapped: mapped, reference: stageOneMapped, corpus: problem.corpus)
            return Outcome(calibration: try ScoreCalibration.carried(earlier, through: pairs), note: nil)
        } catch {
            let what = earlier == nil ? "" : " (stage one's, fitted for another map, dropped)"
            return Outcome(calibration: nil, note: "no score calibration\(what): \(error.description)")
        }
    }
}
