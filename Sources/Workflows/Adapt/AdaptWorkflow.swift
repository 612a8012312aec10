import AdapterFormat
import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra
import Retrieval
import Settings

/// Stage two as a use case: train the query map on labeled queries from a stage-one adapter and
/// wrap the result as an `Adapter` with one set of metadata, whichever front end asked.
public enum AdaptWorkflow {
    /// The `stage` its adapters record in their metadata (an output guard replaces only adapters of it).
    public static let stage = "adapt"

    /// What stage two produced: the adapter and the trainer's full result.
    public struct Outcome: Sendable {
        public var adapter: Adapter
        public var result: AdaptResult
        /// The adapter's score calibration, or why it has none (``AdaptCalibration``).
        public var calibration: AdaptCalibration.Outcome
    }

    /// A trainer error in the words of the front end: when no labeled query could be used, the
    /// message names where the labels came from (`labels`: "--qrels FILE", "data.qrels.labeled (FILE)"),
    /// which the trainer cannot know.
    public static func message(of error: AlignmentError, labels: String) -> String {
        guard case .tooFewLabeledQueries = error else {
            return error.description
        }
        return "\(error.description); the labels come from \(labels): check that its query ids are those of "
            + "the query id file and its document ids those of the corpus ids, with a score > 0"
    }

    /// Trains from the stage-one adapter and wraps the map: a hybrid adapter whenever the problem has
    /// the index model's queries (whatever was chosen: stage one alone is V = 0, the index as it is
    /// W = 0, V = I), else a map of the query vector.
    /// - Parameters:
    ///   - problem: queries (and, for a hybrid, the index model's queries), index and training qrels
    ///     (its `stageOne` is replaced by `stageOne.map`).
    ///   - stageOne: the adapter to start from; its model names carry over.
    ///   - settings: stage two's settings (seeded).
    ///   - metadata: extra adapter metadata (e.g. the pipeline's name).
    ///   - calibrationQueries: the index model's vectors of the queries given for the score calibration
    ///     only (a retired index model: no map reads them); `problem.indexQueries` serve when set.
    ///   - warn: called with each of ``warnings(for:)`` before training.
    ///   - progress: the trainer's events.
    /// - Throws: Alignment's `AlignmentError` from the trainer.
    public static func run(
        _ problem: AdaptProblem, stageOne: Adapter, settings: AdaptSettings,
        metadata: [String: String] = [:], calibrationQueries: (any RowMatrix)? = nil,
        warn: (String) -> Void = { _ in }, progress: (AdaptEvent) -> Void = { _ in }
    ) throws(AlignmentError) -> Outcome {
        guard !stageOne.isHybrid else {
            throw .invalidParameter(
                name: "stage one", value: "a hybrid adapter",
                reason:
                    "stage two starts from a stage-one map of the query model's vectors (align without the hybrid mix)")
        }
        for message in warnings(for: problem) { warn(message) }
        var problem = problem
        problem.stageOne = stageOne.map
        let result = try AdaptTrainer.train(problem, settings: settings, progress: progress)
        if let message = labelsNearChance(result, problem: problem) { warn(message) }
        // Stage one's calibration was fitted for stage one's map: AdaptCalibration decides what replaces it.
        var extra = stageOne.extraMetadata.filter { !ScoreCalibration.metadataKeys.contains($0.key) }
            .merging(metadata) { _, new in new }
        extra["adapt_family"] = result.settings.family.description
        extra["adapt_negatives"] = result.settings.negatives.description
        extra["adapt_labeled_queries"] = String(result.labeledQueries.count)
        if let list = LabeledQueryList(queryIds: result.labeledQueries) {
            extra[LabeledQueryList.metadataKey] = list.metadataValue
        }
        extra["adapt_budget"] = result.settings.budget.map(String.init) ?? "all"
        extra["adapt_seed"] = String(result.settings.seed)
        extra["adapt_steps"] = String(result.selectedSteps)
        extra["stage_one_config_hash"] = stageOne.configurationHash
        if let objective = result.objective { extra["adapt_objective"] = objective.rawValue }
        if let chosen = result.chosen { extra["adapt_chosen"] = chosen.label }
        if let folds = result.averagedFoldMaps { extra["adapt_final_map"] = "fold-average of \(folds.count) fold maps" }
        if let start = result.hybridStart, start.reason != .defaultAlpha, start.reason != .requested {
            extra["adapt_start_alpha"] = String(start.alpha)
            extra["adapt_start_reason"] = start.reason.rawValue
        }
        var adapter: Adapter
        if let hybrid = result.hybrid {
            adapter = try Adapter(
                hybrid: hybrid, sourceModel: stageOne.sourceModel, targetModel: stageOne.targetModel,
                stage: stage, configurationHash: result.settings.configurationHash,
                version: EraVersion.current, extraMetadata: extra)
        } else {
            adapter = Adapter(
                map: result.map, sourceModel: stageOne.sourceModel, targetModel: stageOne.targetModel,
                stage: stage, configurationHash: result.settings.configurationHash,
                version: EraVersion.current, extraMetadata: extra)
        }
        let calibration = AdaptCalibration.calibrate(
            adapter, problem: problem, labeled: result.labeledQueries,
            indexQueries: problem.indexQueries ?? calibrationQueries, stageOne: stageOne)
        adapter.extraMetadata.merge(calibration.metadata) { _, new in new }
        return Outcome(adapter: adapter, result: result, calibration: calibration)
    }

    /// A warning when the labeled queries find their documents on the dev folds no more often than a
    /// random ranking would, through stage one and after training (the evaluation's
    /// `reference-above-chance` rule): shuffled query or document ids gave dev nDCG@10 of 0.0005 to
    /// 0.09 and an adapter was written without a word. Nil when the folds measured nothing.
    static func labelsNearChance(_ result: AdaptResult, problem: AdaptProblem) -> String? {
        let queries = result.labeledQueries
        guard !queries.isEmpty, result.chosen != nil,
            let expected = SanityChecks.randomRankingHits(
                qrels: problem.trainingQrels, queries: queries, corpusIds: problem.corpusIds, k: 10)
        else { return nil }
        func nearChance(_ ndcg: Double) -> Bool {
            SanityChecks.chance(ofMean: ndcg, queries: queries.count, expectedHits: expected).likelihood
                >= SanityChecks.chanceProbability
        }
        guard nearChance(result.stageOneDevNDCG10), nearChance(result.selectedDevNDCG10) else { return nil }
        return String(
            format:
                "the %d labeled queries find their documents no more often than a random ranking would (dev nDCG@10 "
                + "%.4f through stage one, %.4f after training): check that the query ids follow the rows of the "
                + "query embeddings, the document ids the rows of the index, and that the qrels use those ids",
            queries.count, result.stageOneDevNDCG10, result.selectedDevNDCG10)
    }

    /// What the training qrels lose before training, as evaluation reports it for its qrels:
    /// judgments whose document is not in the index and queries without an embedding are dropped
    /// (silently, before: a typo in the ids lost labels without a word).
    public static func warnings(for problem: AdaptProblem) -> [String] {
        let queryIds = Set(problem.queryIds), corpusIds = Set(problem.corpusIds)
        var withoutEmbedding = 0, missingDocuments = 0, withoutUsableDocument = 0
        for (query, judged) in problem.trainingQrels.judgments {
            let relevant = judged.filter { $0.value > 0 }.keys
            if relevant.isEmpty { continue }
            if !queryIds.contains(query) { withoutEmbedding += 1; continue }
            let missing = relevant.filter { !corpusIds.contains($0) }.count
            missingDocuments += missing
            if missing == relevant.count { withoutUsableDocument += 1 }
        }
        var out = [String]()
        if withoutEmbedding > 0 { out.append("\(withoutEmbedding) qrels queries skipped: no query embedding") }
        if missingDocuments > 0 {
            out.append(
                "\(missingDocuments) relevant judgments name documents missing from the corpus and are not trained on"
                    + (withoutUsableDocument > 0
                        ? " (\(withoutUsableDocument) queries lose all their relevant documents)" : ""))
        }
        return out
    }

    public static func values(of result: AdaptResult) -> [String: Double] {
        [
            "labeled_queries": Double(result.labeledQueries.count), "pairs": Double(result.pairs),
            "selected_steps": Double(result.selectedSteps), "stage_one_dev_ndcg@10": result.stageOneDevNDCG10,
            "dev_ndcg@10": result.selectedDevNDCG10,
        ]
    }

    /// One line for a person per event.
    public static func describe(_ event: AdaptEvent) -> String {
        switch event {
        case let .prepared(labeled, pairs, folds, dev):
            let split =
                folds == 0
                ? "fixed (no dev folds)"
                : folds == 1
                    ? "chosen on a hold-out of \(dev) dev queries"
                    : "chosen by \(folds)-fold selection over \(dev) queries"
            return "\(labeled) labeled queries, \(pairs) pairs; steps \(split)"
        case let .mined(seconds):
            return String(format: "hard negatives mined with the stage-one map in %.2f s", seconds)
        case let .evaluated(step, loss, dev):
            let lossText = loss.map { String(format: "loss %.4f, ", $0) } ?? ""
            return String(format: "step %4d: %@dev nDCG@10 %.4f", step, lossText, dev)
        case let .selected(step, dev, stageOne, foldMaps?, _):
            return String(
                format:
                    "final map: the mean of %d fold maps at the chosen %d steps (best dev nDCG@10 %.4f, stage one %.4f)",
                foldMaps, step, dev, stageOne)
        case let .selected(step, dev, stageOne, nil, scaled):
            let why =
                step == 0
                ? "" : scaled ? ", the chosen dev step scaled to all labeled pairs" : ", the chosen dev step as it is"
            return String(
                format: "final run: %d steps%@ (best dev nDCG@10 %.4f, stage one %.4f)", step, why, dev, stageOne)
        case let .finished(steps, seconds, foldMaps?):
            return String(
                format: "final map averaged over %d fold maps at %d steps (%.1f s in all)", foldMaps, steps, seconds)
        case let .finished(steps, seconds, nil):
            return String(
                format: "final map trained on all labeled queries for %d steps (%.1f s in all)", steps, seconds)
        }
    }

    /// The choice among candidates, one line each (empty without dev folds): every candidate's dev
    /// scores, and what was returned and why.
    public static func describeChoice(_ result: AdaptResult) -> [String] {
        guard let chosen = result.chosen else { return [] }
        func score(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "-" }
        var lines = ["candidates (dev nDCG@10, document-disjoint / random folds):"]
        for candidate in result.candidates {
            lines.append(
                "  \(candidate.label): \(score(candidate.documentDisjointDevNDCG10)) / \(score(candidate.randomDevNDCG10))"
            )
        }
        if let start = result.hybridStart, start.reason == .largestAdmitted || start.reason == .smallestMix {
            lines.append(
                "trained candidates started from mix (alpha \(start.alpha)): the default mix (alpha "
                    + "\(AdaptSettings.defaultHybridAlpha)) is more than "
                    + "\(AdaptSelection.tolerance(result.settings, against: .indexAsIs)) below "
                    + "the index as it is on document-disjoint folds")
        }
        let objective = result.objective?.rawValue ?? "dev steps"
        if result.returnedReference, let reference = result.reference {
            lines.append(
                "no candidate beat the reference (\(reference.label)) under \(objective): returning the reference itself"
            )
        } else {
            lines.append("chosen under \(objective): \(chosen.label)")
        }
        return lines
    }

    /// What stage two chose and why, for the log, the console and the report: the candidate
    /// returned under the objective, and how many steps the final run took and why that number
    /// differs from the dev folds' (the folds train on part of the labeled pairs; the final run
    /// takes as many passes over all of them).
    public static func choiceNotes(_ result: AdaptResult) -> [String] {
        var notes: [String] = []
        let objective = result.objective.map { "objective \($0.rawValue)" } ?? "best dev step"
        if let chosen = result.chosen {
            let dev = String(format: "dev nDCG@10 %.4f", result.selectedDevNDCG10)
            notes.append(
                result.returnedReference
                    ? "candidate: none beat the reference under \(objective); \(chosen.label) returned (\(dev))"
                    : "candidate: \(chosen.label) chosen under \(objective) (\(dev))")
        }
        if let chosen = result.chosen, let folds = result.averagedFoldMaps {
            notes.append(
                "final map: the mean of the \(folds.count) fold maps at \(chosen.steps) steps (final_map: fold-average), "
                    + "each trained on part of the labeled pairs, as the dev folds measured them")
        } else if let chosen = result.chosen, chosen.kind == .trained || chosen.kind == .interpolated,
            let foldPairs = result.foldTrainingPairs
        {
            notes.append(
                result.settings.finalMap == .refitFoldSteps
                    ? String(
                        format:
                            "steps: %d in the final run, as chosen on the dev folds (final_map: refit-fold-steps): %.0f%% "
                            + "of the passes a fold took over its %.0f pairs, on all %d labeled pairs",
                        result.selectedSteps, 100 * foldPairs / Double(result.pairs), foldPairs, result.pairs)
                    : String(
                        format:
                            "steps: %d in the final run = %d steps chosen on the dev folds x %d labeled pairs / %.0f pairs "
                            + "a fold trains on (the same number of passes over the training data)",
                        result.selectedSteps, chosen.steps, result.pairs, foldPairs))
        } else if result.chosen == nil {
            notes.append("steps: \(result.selectedSteps) (max_steps: no dev folds to choose on)")
        } else {
            notes.append("steps: none (the label-free \(result.chosen?.label ?? "map") is returned as it is)")
        }
        return notes
    }

    /// The score calibration's figures as scalar results (metrics.json): a, b and the median
    /// differences before and after on the fitting pairs; empty without a calibration.
    public static func values(of outcome: AdaptCalibration.Outcome) -> [String: Double] {
        guard let c = outcome.calibration else { return [:] }
        return [
            "score_scale": c.scale, "score_offset": c.offset,
            "score_calibration_median_before": c.medianAbsoluteDifferenceBefore,
            "score_calibration_median_after": c.medianAbsoluteDifferenceAfter,
        ]
    }

    /// The adapter's score calibration in one line (nil: none, and nothing to say).
    public static func calibrationLine(_ outcome: AdaptCalibration.Outcome) -> String? {
        outcome.calibration?.summary ?? outcome.note
    }
}
