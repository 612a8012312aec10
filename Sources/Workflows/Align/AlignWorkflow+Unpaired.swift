import Alignment
import Foundation
import LinearAlgebra

extension AlignWorkflow {
    /// Unpaired stage one's first half: the pairs induced between the two tables (``UnpairedAligner``),
    /// with the ids common to both lists as anchors when there are any (``Request/anchors``).
    /// - Throws: ``Failure/notAlignable(_:)`` when the match cannot be told from the null problem.
    static func induce(
        _ request: Request, settings: UnpairedSettings, progress: (UnpairedAligner.Event) -> Void
    ) throws(Failure) -> (MatchedRows, UnpairedResult) {
        let anchors = try anchorPairs(request)
        let result: UnpairedResult
        do {
            let aligner = try UnpairedAligner(settings: settings, seed: request.configuration.seed)
            result = try aligner.induce(
                sources: request.sources, targets: request.targets, anchors: anchors, progress: progress)
        } catch {
            switch error {
            case .nonFinite(let what):
                throw .nonFinite(side: what.hasPrefix("source") ? "source" : "target", what: what)
            default: throw .training(error)
            }
        }
        guard result.accepted else { throw .notAlignable(result) }
        let ids = zip(result.sourceRows, result.targetRows).map { source, target in
            request.sourceIds.indices.contains(source) ? request.sourceIds[source] : "source row \(source)"
        }
        let pairs = MatchedRows(
            ids: ids, sources: RowSelection(request.sources, rows: result.sourceRows),
            targets: RowSelection(request.targets, rows: result.targetRows))
        return (pairs, result)
    }

    /// The known pairs (source row, target row): ids in both lists, all of them or ``Request/anchors`` drawn.
    private static func anchorPairs(_ request: Request) throws(Failure) -> [(source: Int, target: Int)] {
        let wanted = request.anchors
        if let wanted, wanted < 0 {
            throw .training(.invalidParameter(name: "anchors", value: "\(wanted)", reason: "must be >= 0"))
        }
        guard !request.sourceIds.isEmpty, !request.targetIds.isEmpty, wanted != 0 else {
            if let wanted, wanted > 0 { throw .noCommonIds }
            return []
        }
        for (ids, table, side) in [
            (request.sourceIds, request.sources, "source ids"), (request.targetIds, request.targets, "target ids"),
        ] where ids.count != table.rows {
            throw .training(
                .invalidParameter(name: side, value: "\(ids.count) ids", reason: "the table has \(table.rows) rows"))
        }
        var targetRow: [String: Int] = [:]
        for (row, id) in request.targetIds.enumerated() { targetRow[id] = row }
        var common = request.sourceIds.enumerated().compactMap { row, id in
            targetRow[id].map { (source: row, target: $0) }
        }
        if common.isEmpty, wanted != nil { throw .noCommonIds }
        if let wanted, wanted < common.count {
            var generator = SplitMix64(seed: request.configuration.seed, stream: .sample)
            common = generator.sample(wanted, from: common.count).map { common[$0] }
        }
        return common
    }

    /// The adapter metadata of an unpaired alignment: how it was made and how far to trust it.
    static func metadata(of result: UnpairedResult) -> [String: String] {
        let c = result.confidence
        func figure(_ x: Double) -> String { String(format: "%.4f", x) }
        return [
            "pairing": "unpaired", "unpaired_source_rows": String(result.sourceRowsUsed),
            "unpaired_target_rows": String(result.targetRowsUsed), "unpaired_anchors": String(result.anchors),
            "unpaired_induced_pairs": String(result.count), "unpaired_mutual_share": figure(c.mutualShare),
            "unpaired_objective": figure(c.objective), "unpaired_null_objective": figure(c.nullObjective),
            "unpaired_mean_csls": figure(c.meanCSLS), "unpaired_null_mutual_share": figure(c.nullMutualShare),
            "unpaired_null_mean_csls": figure(c.nullMeanCSLS), "unpaired_rounds": String(result.rounds),
            "unpaired_attempts": String(result.attempts.count),
        ]
    }

    /// The figures of an unpaired alignment worth keeping as scalar results (metrics.json, --json).
    public static func values(of result: UnpairedResult) -> [String: Double] {
        let c = result.confidence
        return [
            "unpaired_source_rows": Double(result.sourceRowsUsed),
            "unpaired_target_rows": Double(result.targetRowsUsed),
            "unpaired_anchors": Double(result.anchors), "unpaired_induced_pairs": Double(result.count),
            "unpaired_mutual_share": c.mutualShare, "unpaired_mean_csls": c.meanCSLS,
            "unpaired_objective": c.objective, "unpaired_null_objective": c.nullObjective,
            "unpaired_null_mutual_share": c.nullMutualShare, "unpaired_null_mean_csls": c.nullMeanCSLS,
            "unpaired_rounds": Double(result.rounds), "unpaired_attempts": Double(result.attempts.count),
            "unpaired_seconds": result.seconds,
        ]
    }

    /// One line: rows used, matched share against the null, rounds and time.
    public static func describe(_ result: UnpairedResult) -> String {
        let c = result.confidence
        return String(
            format:
                "unpaired: %d source rows, %d target rows%@; objective %.4f (null %.4f), %.1f%% matched mutually (null %.1f%%), mean CSLS %.4f (null %.4f); %d pairs induced; %d attempt%@, %d rounds, %.1f s",
            result.sourceRowsUsed, result.targetRowsUsed,
            result.anchors > 0 ? ", \(result.anchors) anchors" : "", c.objective, c.nullObjective, 100 * c.mutualShare,
            100 * c.nullMutualShare,
            c.meanCSLS, c.nullMeanCSLS, result.count, result.attempts.count, result.attempts.count == 1 ? "" : "s",
            result.rounds, result.seconds)
    }

    /// One line per event worth a person's attention (every 10th round).
    public static func describe(_ event: UnpairedAligner.Event) -> String? {
        switch event {
        case let .round(attempt, null, round, keep, objective, mutual) where round % 10 == 0:
            return String(
                format: "unpaired attempt %d%@: round %d, keep %.2f, objective %.4f, mutual %.1f%%", attempt + 1,
                null ? " (null)" : "", round, keep, objective, 100 * mutual)
        case .round: return nil
        case let .attemptFinished(attempt, c):
            return String(
                format:
                    "unpaired attempt %d: objective %.4f against %.4f on the null, %.1f%% matched mutually against %.1f%%; %@",
                attempt + 1,
                c.objective, c.nullObjective, 100 * c.mutualShare, 100 * c.nullMutualShare,
                c.distinguishable ? "aligned" : "not told apart from the null")
        }
    }

    /// Why no map was written, and what to do instead.
    public static func refusal(_ result: UnpairedResult) -> String {
        let c = result.confidence
        let attempts = "\(result.attempts.count) attempt\(result.attempts.count == 1 ? "" : "s")"
        let anchored = result.anchors > 0 ? " with the \(result.anchors) anchors given" : ""
        let why =
            c.beatsTheNull
            ? String(
                format:
                    "after %@%@ the best beat the null problem's matching objective (%.4f against %.4f) only with "
                    + "many rows choosing the same few targets: %.1f%% of rows matched mutually against %.1f%% on the "
                    + "null, where a correspondence matches at least %.0f%% of the null's share (copies of rows or "
                    + "tight clusters in one table do this; check that each table holds distinct texts)",
                attempts, anchored, c.objective, c.nullObjective, 100 * c.mutualShare, 100 * c.nullMutualShare,
                100 * UnpairedConfidence.minimumMutualRatio)
            : String(
                format:
                    "after %@%@ the best reached a matching objective of %.4f against %.4f on a null problem (Gaussian "
                    + "rows with the target's mean and covariance: what a linear map can match, and no geometry beyond "
                    + "it), a margin of at least %.2f being needed (%.1f%% of rows matched mutually, %.1f%% on the null)",
                attempts, anchored, c.objective, c.nullObjective, UnpairedConfidence.minimumMargin,
                100 * c.mutualShare, 100 * c.nullMutualShare)
        let anchorsAdvice =
            result.anchors > 0
            ? "more known pairs as anchors, or check the \(result.anchors) given (ids common to the source's and the "
                + "target's ids that name the same text)"
            : "a few known pairs as anchors (ids common to the source's and the target's ids)"
        return "the two sets of vectors cannot be aligned without pairs: \(why). A map from this would map to noise, "
            + "so none was written. Give paired texts instead (the same texts embedded by both models, matched by "
            + "id; a few hundred are enough), or \(anchorsAdvice)."
    }
}
