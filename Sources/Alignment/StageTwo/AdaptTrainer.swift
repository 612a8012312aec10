import EmbeddingIO
import Foundation
import LinearAlgebra
import Retrieval

/// Stage two: fine-tunes the query map on labeled queries, starting from stage one. Documents and
/// the index never change.
///
/// 1. Draw the budget's labeled queries (seeded) from the training qrels.
/// 2. Mine hard negatives with the start map as teacher (stage one; with index-model queries the
///    label-free hybrid at ``AdaptSettings/hybridAlpha``), searching the index with
///    ``AdaptProblem/negativeSearch`` (exact search unless the caller gives another).
/// 3. Score candidates on dev folds of the labeled queries (k-fold with `folds` > 1, default 5, so every
///    labeled query is a dev query once; a hold-out set with `folds` = 1; none with `folds` = 0, which
///    trains `maxSteps` steps). Trained candidates: for each penalty, the folds train from the start map
///    in lockstep and their pooled dev nDCG@10 is read every `evaluationInterval` steps until `patience`
///    evaluations bring no new best. With index-model queries the label-free candidates (the index as it
///    is, stage one, mixes) are scored on the same dev queries. The folds are document-disjoint, random,
///    or both, per ``AdaptSettings/objective``.
/// 4. Choose per the objective (``AdaptSelection``); the reference wins ties and is returned when nothing
///    beats it. A trained choice is retrained on every labeled query for its step count, scaled to the
///    same number of passes over all pairs (seeded), or with ``AdaptSettings/finalMap`` `fold-average`
///    is the mean of its fold maps at its step count (every fold of every split, replayed with their seeds).
/// Without index-model queries and without an explicit objective this is the step selection of before
/// objectives existed, bit for bit.
public enum AdaptTrainer {
    /// - Throws: ``AlignmentError`` for invalid settings, inconsistent inputs (index-model queries of the
    ///   wrong shape among them), no labeled query, or a numerical failure.
    public static func train(
        _ problem: AdaptProblem, settings: AdaptSettings,
        progress: (AdaptEvent) -> Void = { _ in }
    ) throws(AlignmentError) -> AdaptResult {
        let start = ContinuousClock.now
        let settings = try settings.validated(
            queryDimension: problem.queries.columns, indexDimension: problem.corpus.columns)
        let (queryRow, corpusRow) = try problem.validated()
        var generator = SplitMix64(seed: settings.seed)
        let all = AdaptLabeledQueries(qrels: problem.trainingQrels, queryRow: queryRow, corpusRow: corpusRow)
        let labeled = all.sample(budget: settings.budget, using: &generator)
        let needed = settings.folds == 0 ? 1 : 2
        guard labeled.count >= needed else {
            throw .tooFewLabeledQueries(
                needed: needed, got: labeled.count, purpose: needed == 2 ? "choose the number of steps" : "train")
        }
        // With index-model queries every map acts on [x y]: the hybrid f = [W V] [x; y] + b is affine there,
        // so the families, the penalty toward the start and the pullbacks work unchanged on it.
        let queries = problem.queries.gatherRows(labeled.queryRows)
        let hybrid = problem.indexQueries != nil
        let inputs = problem.indexQueries.map { concatenateRows(queries, $0.gatherRows(labeled.queryRows)) } ?? queries

        let retired = problem.indexModelRetired && !hybrid
        let objective = settings.objective ?? (hybrid || retired ? .balanced : nil)
        let splits: [AdaptDevSplit] =
            switch objective {
            case nil: [settings.devSplit]
            case .newDocuments: [.documentDisjoint]
            case .recurring: [.random]
            case .balanced: [.documentDisjoint, .random]
            }
        // The objective's own score is on the last split (random for balanced).
        let main = splits.count - 1
        let holdout = min(
            labeled.count / 2,
            max(
                settings.minDevQueries,
                Int((settings.devFraction * Double(labeled.count)).rounded())))
        let foldCount = min(settings.folds ?? AdaptSettings.defaultFolds, labeled.count)
        var devSets = [[[Int]]]()
        for (k, split) in splits.enumerated() where foldCount > 0 {
            // The first split draws from the run's stream (as before objectives); a second one from its own.
            var other = SplitMix64(seed: settings.seed ^ 0x4A4D_0F0F_5EED)
            devSets.append(
                k == 0
                    ? labeled.devSets(folds: foldCount, devCount: holdout, split: split, using: &generator)
                    : labeled.devSets(folds: foldCount, devCount: holdout, split: split, using: &other))
        }
        let pairCount = labeled.positives.reduce(0) { $0 + $1.count }
        progress(
            .prepared(
                labeledQueries: labeled.count, pairs: pairCount, folds: devSets.first?.count ?? 0,
                devQueries: devSets.first?.reduce(0) { $0 + $1.count } ?? 0))

        let judged = labeled.ids.map { problem.trainingQrels.judgments[$0] ?? [:] }
        let scorer = AdaptDevScorer(corpus: problem.corpus, corpusIds: problem.corpusIds)
        func scores(_ values: [Double]) -> (dd: Double?, random: Double?) {
            var out: (dd: Double?, random: Double?) = (nil, nil)
            for (k, split) in splits.enumerated() {
                let union = devSets[k].flatMap { $0 }
                let mean = union.reduce(0) { $0 + values[$1] } / Double(max(union.count, 1))
                if split == .documentDisjoint { out.dd = mean } else { out.random = mean }
            }
            return out
        }
        // The label-free candidates (index-model queries only) are scored first: the balanced objective's
        // floor on them picks where trained candidates start (``HybridStart``).
        var labelFree = [(candidate: AdaptCandidate, map: AffineMap<Float>)]()
        if hybrid, !devSets.isEmpty {
            var alphas = [0.0, 1.0]
            for a in settings.candidateAlphas ?? AdaptSettings.defaultCandidateAlphas where !alphas.contains(a) {
                alphas.append(a)
            }
            for a in alphas {
                let map = HybridMap.mix(stageOne: problem.stageOne, alpha: a).concatenated
                let s = scores(try scorer.ndcg10(map: map, queries: inputs, judged: judged))
                let kind: AdaptCandidate.Kind = a == 0 ? .indexAsIs : a == 1 ? .stageOne : .mix
                labelFree.append(
                    (
                        AdaptCandidate(
                            kind: kind, alpha: a, documentDisjointDevNDCG10: s.dd, randomDevNDCG10: s.random), map
                    ))
            }
        }
        let hybridStart = HybridStart.choose(
            requested: settings.hybridAlpha, objective: objective, labelFree: labelFree.map(\.candidate),
            tolerance: AdaptSelection.tolerance(settings, against: .indexAsIs))
        let alpha = hybridStart.alpha
        let startMap = hybrid ? HybridMap.mix(stageOne: problem.stageOne, alpha: alpha).concatenated : problem.stageOne

        let mineStart = ContinuousClock.now
        let pools = try AdaptNegativePools.mine(
            mappedQueries: try startMap.applyNormalized(to: inputs), corpus: problem.corpus,
            positives: labeled.positives, pool: settings.hardPool, keep: 2 * settings.negatives.hard,
            margin: settings.falseNegativeMargin, search: problem.negativeSearch)
        progress(.mined(seconds: seconds(since: mineStart)))
        let context = SelectionContext(
            settings: settings, startMap: startMap, inputs: inputs, labeled: labeled, pools: pools,
            judged: judged, scorer: scorer, corpus: problem.corpus)

        let penalties =
            settings.penalties
            ?? (hybrid
                ? AdaptSettings.defaultHybridPenalties(for: settings.family)
                : retired ? AdaptSettings.defaultRetiredPenalties(for: settings.family) : [settings.penalty])
        let interpolations: [Double] =
            if case .rotation = settings.family { [] } else {
                settings.interpolations
                    ?? (retired ? AdaptSettings.defaultRetiredInterpolations(for: settings.family) : [])
            }
        var curves = [SelectionCurve]()
        if !devSets.isEmpty {
            var foldDev = [[SelectionFold.DevInputs]]()  // freed when selection ends, before the final run
            for penalty in penalties {
                guard
                    let curve = try context.curve(
                        penalty: penalty, interpolations: interpolations, devSets: devSets, main: main,
                        foldDev: &foldDev, progress: progress)
                else { break }  // a split without a fold that has training queries: no selection possible
                curves.append(curve)
            }
        }
        let drawnDevSets = devSets  // reported as drawn, even when no selection could run on them
        if curves.isEmpty { devSets = [] }

        // Candidates: label-free first (with index-model queries), then each run's steps in order.
        var candidates = [AdaptCandidate]()
        var labelFreeMaps = [AffineMap<Float>]()
        let reference = 0  // the index as it is (alpha 0) with index-model queries, else stage one: listed first
        if let first = curves.first {
            if hybrid {
                candidates = labelFree.map(\.candidate)
                labelFreeMaps = labelFree.map(\.map)
            } else {
                // Stage one is step 0 of every run: its figures are the curve's own (bit for bit as before).
                candidates.append(first.candidate(at: 0, splits: splits, alpha: nil, kind: .stageOne))
                labelFreeMaps.append(problem.stageOne)
            }
            for curve in curves {
                for index in curve.steps.indices where curve.steps[index] > 0 {
                    candidates.append(
                        curve.candidate(at: index, splits: splits, alpha: hybrid ? alpha : nil, kind: .trained))
                }
            }
            for curve in curves {
                for (position, t) in interpolations.enumerated() {
                    for index in curve.steps.indices where curve.steps[index] > 0 {
                        candidates.append(
                            curve.candidate(
                                at: index, splits: splits, alpha: hybrid ? alpha : nil, kind: .interpolated,
                                interpolation: (position, t)))
                    }
                }
            }
        }
        let chosenIndex =
            candidates.isEmpty
            ? nil
            : AdaptSelection.choose(
                candidates, reference: reference,
                objective: objective ?? (splits[0] == .random ? .recurring : .newDocuments), settings: settings)
        let chosen = chosenIndex.map { candidates[$0] }
        func mainScore(_ c: AdaptCandidate?) -> Double {
            guard let c else { return 0 }
            return (splits[main] == .random ? c.randomDevNDCG10 : c.documentDisjointDevNDCG10) ?? 0
        }
        let stageOneCandidate = candidates.first { $0.kind == .stageOne }
        let stageOneDev = mainScore(stageOneCandidate)

        // The final map: a label-free candidate as it is, or a trained one retrained on every labeled query
        // (refit) or averaged over its folds (fold-average).
        var selected = 0
        var foldTrainingPairs: Double? = nil
        var finalPenalty = penalties[0]
        if devSets.isEmpty {
            selected = settings.maxSteps
        } else if let chosen, chosen.kind == .trained || chosen.kind == .interpolated,
            let curve = curves.first(where: { $0.penalty == chosen.penalty })
        {
            foldTrainingPairs = curve.meanFoldPairs[main]
            finalPenalty = curve.penalty
            if settings.finalMap == .foldAverage || settings.finalMap == .refitFoldSteps {
                selected = chosen.steps
            } else {
                // The folds trained on part of the pairs; the final run takes as many passes over all of them.
                selected = Int((Double(chosen.steps) * (Double(pairCount) / curve.meanFoldPairs[main])).rounded())
            }
        }
        // Announced before the fold maps are replayed: every fold's run again up to the chosen step, so
        // about as many steps as the curve of that penalty took (several times a final run).
        let averageFolds = settings.finalMap == .foldAverage && foldTrainingPairs != nil
        let foldMapCount =
            averageFolds
            ? devSets.reduce(0) { count, sets in count + sets.filter { $0.count < labeled.count }.count } : nil
        progress(
            .selected(
                step: selected, devNDCG10: chosen.map { mainScore($0) } ?? stageOneDev,
                stageOneDevNDCG10: stageOneDev, foldMaps: foldMapCount, scaled: settings.finalMap != .refitFoldSteps))
        var map: AffineMap<Float>
        var rotation: Matrix? = nil
        let averaged =
            averageFolds ? try context.foldMaps(penalty: finalPenalty, steps: selected, devSets: devSets) : nil
        if hybrid, let chosenIndex, let chosen, chosen.kind != .trained, chosen.kind != .interpolated {
            map = labelFreeMaps[chosenIndex]
        } else if let averaged {
            // The start is every fold's, so interpolating the mean (below) is the mean of the interpolations.
            map = try AffineMap.averaging(averaged)
        } else {
            var finalSettings = settings
            finalSettings.penalty = finalPenalty
            var final = try AdaptTrainingRun(
                settings: finalSettings, stageOne: startMap, queries: inputs,
                corpus: problem.corpus, pairs: context.pairs(Array(0..<labeled.count)),
                seed: settings.seed &+ 0xF17A1)
            while final.steps < selected { _ = try final.step() }
            map = try final.map()
            rotation = final.parameters.rotation
        }
        if let t = chosen?.interpolation, chosen?.kind == .interpolated {
            map = try AffineMap.interpolating(from: startMap, to: map, t: Float(t))
            rotation = nil
        }
        let elapsed = seconds(since: start)
        progress(.finished(steps: selected, seconds: elapsed, foldMaps: averaged?.count))
        let ids = { (sets: [[Int]]) in sets.map { $0.map { labeled.ids[$0] } } }
        var result = AdaptResult(
            map: map, hybrid: hybrid ? try HybridMap(concatenated: map, source: problem.stageOne.sourceDimension) : nil,
            rotation: rotation, settings: settings, labeledQueries: labeled.ids,
            devQueries: ids(drawnDevSets.first ?? []),
            pairs: pairCount,
            checkpoints: curves.flatMap { $0.checkpoints(main: main, splits: splits, legacy: objective == nil) },
            selectedSteps: selected, stageOneDevNDCG10: stageOneDev,
            selectedDevNDCG10: chosen.map { mainScore($0) } ?? stageOneDev, seconds: elapsed)
        result.objective = objective
        result.foldTrainingPairs = foldTrainingPairs
        result.averagedFoldMaps = averaged
        result.candidates = candidates
        result.chosen = chosen
        result.reference = candidates.isEmpty ? nil : candidates[reference]
        result.returnedReference = chosenIndex == reference
        result.hybridStart = hybrid ? hybridStart : nil
        if let k = splits.firstIndex(of: .random), k < drawnDevSets.count {
            result.randomDevQueries = ids(drawnDevSets[k])
        }
        return result
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}
