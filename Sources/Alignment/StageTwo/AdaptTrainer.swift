import EmbeddingIO
import Foundation
import LinearAlgebra

/// What the trainer reports while it works (the CLI prints these to stderr).
public enum AdaptEvent: Sendable, Hashable {
    /// Labeled queries drawn and split: `folds` dev sets (1: hold-out, more: k-fold for tiny budgets).
    case prepared(labeledQueries: Int, pairs: Int, folds: Int, devQueries: Int)
    /// Hard negatives mined with the stage-one map.
    case mined(seconds: Double)
    /// A dev evaluation during step selection: nDCG@10 over the dev queries of every fold after `step`
    /// steps, and the mean training objective of the steps since the last evaluation.
    case evaluated(step: Int, trainingLoss: Double?, devNDCG10: Double)
    /// The number of steps the final run takes: the best dev step, scaled from the folds' pairs to all
    /// pairs (same number of passes); 0 keeps stage one.
    case selected(step: Int, devNDCG10: Double, stageOneDevNDCG10: Double)
    /// The final map trained on every labeled query for the chosen number of steps.
    case finished(steps: Int, seconds: Double)
}

/// One dev evaluation during step selection (over the dev queries of every fold).
public struct AdaptCheckpoint: Sendable, Hashable, Codable {
    public var step: Int
    /// Mean nDCG@10 over every dev query of every fold (the folds the objective scores on).
    public var devNDCG10: Double
    public var devQueries: Int
    /// The penalty of the run (nil before objectives: the settings' penalty).
    public var penalty: Double?
    /// Both fold kinds' figures when the objective is `balanced` (nil when those folds were not run).
    public var documentDisjointDevNDCG10: Double?
    public var randomDevNDCG10: Double?
}

/// The outcome of ``AdaptTrainer/train(_:settings:progress:)``.
public struct AdaptResult: Sendable {
    /// The adapted query map (stage one when no step beat it on the dev queries). With index-model
    /// queries it is the hybrid map as one affine map on concatenated rows [x y] (`m x (p + m)`, see
    /// ``HybridMap/concatenated``); ``hybrid`` holds the same map split into W, V and b.
    public var map: AffineMap<Float>
    /// The result as a hybrid map, whenever the problem has index-model queries (whatever was chosen:
    /// stage one alone is V = 0, the index as it is W = 0, V = I); nil otherwise.
    public var hybrid: HybridMap<Float>?
    /// R for ``AdaptMapFamily/rotation`` (the map is R f1), nil otherwise.
    public var rotation: Matrix?
    public var settings: AdaptSettings
    /// The labeled queries drawn for the budget, byte-wise sorted.
    public var labeledQueries: [String]
    /// Dev queries of each fold.
    public var devQueries: [[String]]
    /// Labeled (query, positive) pairs.
    public var pairs: Int
    /// Dev curve (step 0 = stage one).
    public var checkpoints: [AdaptCheckpoint]
    /// Steps taken by the final run (the best dev step scaled to all pairs).
    public var selectedSteps: Int
    /// Stage one's and the returned map's dev figure under the objective (random folds for `recurring`
    /// and `balanced`, document-disjoint folds for `new-documents`).
    public var stageOneDevNDCG10: Double
    public var selectedDevNDCG10: Double
    public var seconds: Double
    /// The objective the choice was made with (nil: step selection on `devSplit` folds, as before objectives).
    public var objective: AdaptSelectionObjective?
    /// Every candidate with its dev scores, label-free ones first (empty without dev folds).
    public var candidates: [AdaptCandidate] = []
    /// The returned candidate and the reference (the index as it is with index-model queries, else stage
    /// one); nil without dev folds.
    public var chosen: AdaptCandidate?
    public var reference: AdaptCandidate?
    /// True when no candidate beat the reference on the dev folds, so the reference itself was returned.
    public var returnedReference = false
    /// The random folds' dev queries (objectives `recurring` and `balanced`; for `recurring` they are also
    /// ``devQueries``).
    public var randomDevQueries: [[String]] = []
}

/// Stage two: fine-tunes the query map on labeled queries, starting from stage one. Documents and
/// the index never change.
///
/// 1. Draw the budget's labeled queries (seeded) from the training qrels.
/// 2. Mine hard negatives with the start map as teacher (stage one; with index-model queries the
///    label-free hybrid at ``AdaptSettings/hybridAlpha``).
/// 3. Score candidates on dev folds of the labeled queries (k-fold with `folds` > 1, default 5, so every
///    labeled query is a dev query once; a hold-out set with `folds` = 1; none with `folds` = 0, which
///    trains `maxSteps` steps). Trained candidates: for each penalty, the folds train from the start map
///    in lockstep and their pooled dev nDCG@10 is read every `evaluationInterval` steps until `patience`
///    evaluations bring no new best. With index-model queries the label-free candidates (the index as it
///    is, stage one, mixes) are scored on the same dev queries. The folds are document-disjoint, random,
///    or both, per ``AdaptSettings/objective``.
/// 4. Choose per the objective (``AdaptSelection``); the reference wins ties and is returned when nothing
///    beats it. A trained choice is retrained on every labeled query for its step count, scaled to the
///    same number of passes over all pairs (seeded).
/// Without index-model queries and without an explicit objective this is the step selection of before
/// objectives existed, bit for bit.
public enum AdaptTrainer {
    /// - Throws: ``AlignmentError`` for invalid settings, inconsistent inputs (index-model queries of the
    ///   wrong shape among them), no labeled query, or a numerical failure.
    public static func train(_ problem: AdaptProblem, settings: AdaptSettings,
                             progress: (AdaptEvent) -> Void = { _ in }) throws(AlignmentError) -> AdaptResult {
        let start = ContinuousClock.now
        let settings = try settings.validated()
        let (queryRow, corpusRow) = try problem.validated()
        var generator = SplitMix64(seed: settings.seed)
        let all = AdaptLabeledQueries(qrels: problem.trainingQrels, queryRow: queryRow, corpusRow: corpusRow)
        let labeled = all.sample(budget: settings.budget, using: &generator)
        let needed = settings.folds == 0 ? 1 : 2
        guard labeled.count >= needed else {
            throw .empty(what: "labeled training queries (with an embedding and a relevant document in the corpus; "
                + "\(needed) needed to \(needed == 2 ? "choose the number of steps" : "train"), got \(labeled.count))")
        }
        // With index-model queries every map acts on [x y]: the hybrid f = [W V] [x; y] + b is affine there,
        // so the families, the penalty toward the start and the pullbacks work unchanged on it.
        let queries = gather(problem.queries, labeled.queryRows)
        let hybrid = problem.indexQueries != nil
        let alpha = settings.hybridAlpha ?? AdaptSettings.defaultHybridAlpha
        let inputs = problem.indexQueries.map { concatenateRows(queries, gather($0, labeled.queryRows)) } ?? queries
        let startMap = hybrid ? HybridMap.mix(stageOne: problem.stageOne, alpha: alpha).concatenated : problem.stageOne

        let objective = settings.objective ?? (hybrid ? .balanced : nil)
        let splits: [AdaptDevSplit] = switch objective {
        case nil: [settings.devSplit]
        case .newDocuments: [.documentDisjoint]
        case .recurring: [.random]
        case .balanced: [.documentDisjoint, .random]
        }
        // The objective's own score is on the last split (random for balanced).
        let main = splits.count - 1
        let holdout = min(labeled.count / 2, max(settings.minDevQueries,
                                                 Int((settings.devFraction * Double(labeled.count)).rounded())))
        let foldCount = min(settings.folds ?? AdaptSettings.defaultFolds, labeled.count)
        var devSets = [[[Int]]]()
        for (k, split) in splits.enumerated() where foldCount > 0 {
            // The first split draws from the run's stream (as before objectives); a second one from its own.
            var other = SplitMix64(seed: settings.seed ^ 0x4A4D_0F0F_5EED)
            devSets.append(k == 0 ? labeled.devSets(folds: foldCount, devCount: holdout, split: split, using: &generator)
                                  : labeled.devSets(folds: foldCount, devCount: holdout, split: split, using: &other))
        }
        let pairCount = labeled.positives.reduce(0) { $0 + $1.count }
        progress(.prepared(labeledQueries: labeled.count, pairs: pairCount, folds: devSets.first?.count ?? 0,
                           devQueries: devSets.first?.reduce(0) { $0 + $1.count } ?? 0))

        let mineStart = ContinuousClock.now
        let pools = try AdaptNegativePools.mine(
            mappedQueries: try startMap.applyNormalized(to: inputs), corpus: problem.corpus,
            positives: labeled.positives, pool: settings.hardPool, keep: 2 * settings.negatives.hard,
            margin: settings.falseNegativeMargin)
        progress(.mined(seconds: seconds(since: mineStart)))
        let context = SelectionContext(
            settings: settings, startMap: startMap, inputs: inputs, labeled: labeled, pools: pools,
            judged: labeled.ids.map { problem.trainingQrels.judgments[$0] ?? [:] },
            scorer: AdaptDevScorer(corpus: problem.corpus, corpusIds: problem.corpusIds), corpus: problem.corpus)

        let penalties = settings.penalties ?? (hybrid ? AdaptSettings.defaultHybridPenalties(for: settings.family)
                                                      : [settings.penalty])
        var curves = [SelectionCurve]()
        if !devSets.isEmpty {
            for penalty in penalties {
                guard let curve = try context.curve(penalty: penalty, devSets: devSets, main: main, progress: progress)
                else { break }  // a split without a fold that has training queries: no selection possible
                curves.append(curve)
            }
        }
        if curves.isEmpty { devSets = [] }

        // Candidates: label-free first (with index-model queries), then each run's steps in order.
        var candidates = [AdaptCandidate]()
        var labelFreeMaps = [AffineMap<Float>]()
        let reference = 0  // the index as it is (alpha 0) with index-model queries, else stage one: listed first
        func scores(_ values: [Double]) -> (dd: Double?, random: Double?) {
            var out: (dd: Double?, random: Double?) = (nil, nil)
            for (k, split) in splits.enumerated() {
                let union = devSets[k].flatMap { $0 }
                let mean = union.reduce(0) { $0 + values[$1] } / Double(max(union.count, 1))
                if split == .documentDisjoint { out.dd = mean } else { out.random = mean }
            }
            return out
        }
        if let first = curves.first {
            if hybrid {
                var alphas = [0.0, 1.0]
                for a in settings.candidateAlphas ?? AdaptSettings.defaultCandidateAlphas where !alphas.contains(a) {
                    alphas.append(a)
                }
                for a in alphas {
                    let map = HybridMap.mix(stageOne: problem.stageOne, alpha: a).concatenated
                    let s = scores(try context.scorer.ndcg10(map: map, queries: inputs, judged: context.judged))
                    let kind: AdaptCandidate.Kind = a == 0 ? .indexAsIs : a == 1 ? .stageOne : .mix
                    candidates.append(AdaptCandidate(kind: kind, alpha: a, steps: 0, documentDisjointDevNDCG10: s.dd,
                                                     randomDevNDCG10: s.random))
                    labelFreeMaps.append(map)
                }
            } else {
                // Stage one is step 0 of every run: its figures are the curve's own (bit for bit as before).
                candidates.append(first.candidate(at: 0, splits: splits, alpha: nil, kind: .stageOne))
                labelFreeMaps.append(problem.stageOne)
            }
            for curve in curves {
                for index in curve.steps.indices where curve.steps[index] > 0 {
                    candidates.append(curve.candidate(at: index, splits: splits, alpha: hybrid ? alpha : nil, kind: .trained))
                }
            }
        }
        let chosenIndex = candidates.isEmpty ? nil : AdaptSelection.choose(
            candidates, reference: reference, objective: objective ?? (splits[0] == .random ? .recurring : .newDocuments))
        let chosen = chosenIndex.map { candidates[$0] }
        func mainScore(_ c: AdaptCandidate?) -> Double {
            guard let c else { return 0 }
            return (splits[main] == .random ? c.randomDevNDCG10 : c.documentDisjointDevNDCG10) ?? 0
        }
        let stageOneCandidate = candidates.first { $0.kind == .stageOne }
        let stageOneDev = mainScore(stageOneCandidate)

        // The final map: a label-free candidate as it is, or a trained one retrained on every labeled query.
        var selected = 0
        var finalPenalty = penalties[0]
        if devSets.isEmpty {
            selected = settings.maxSteps
        } else if let chosen, chosen.kind == .trained, let curve = curves.first(where: { $0.penalty == chosen.penalty }) {
            // The folds trained on part of the pairs; the final run takes as many passes over all of them.
            selected = Int((Double(chosen.steps) * (Double(pairCount) / curve.meanFoldPairs[main])).rounded())
            finalPenalty = curve.penalty
        }
        progress(.selected(step: selected, devNDCG10: chosen.map { mainScore($0) } ?? stageOneDev,
                           stageOneDevNDCG10: stageOneDev))
        var map: AffineMap<Float>
        var rotation: Matrix? = nil
        if hybrid, let chosenIndex, let chosen, chosen.kind != .trained {
            map = labelFreeMaps[chosenIndex]
        } else {
            var finalSettings = settings
            finalSettings.penalty = finalPenalty
            var final = try AdaptTrainingRun(settings: finalSettings, stageOne: startMap, queries: inputs,
                                             corpus: problem.corpus, pairs: context.pairs(Array(0..<labeled.count)),
                                             seed: settings.seed &+ 0xF17A1)
            while final.steps < selected { _ = try final.step() }
            map = try final.map()
            rotation = final.parameters.rotation
        }
        let elapsed = seconds(since: start)
        progress(.finished(steps: selected, seconds: elapsed))
        let ids = { (sets: [[Int]]) in sets.map { $0.map { labeled.ids[$0] } } }
        var result = AdaptResult(
            map: map, hybrid: hybrid ? try HybridMap(concatenated: map, source: problem.stageOne.sourceDimension) : nil,
            rotation: rotation, settings: settings, labeledQueries: labeled.ids, devQueries: ids(devSets.first ?? []),
            pairs: pairCount, checkpoints: curves.flatMap { $0.checkpoints(main: main, splits: splits, legacy: objective == nil) },
            selectedSteps: selected, stageOneDevNDCG10: stageOneDev,
            selectedDevNDCG10: chosen.map { mainScore($0) } ?? stageOneDev, seconds: elapsed)
        result.objective = objective
        result.candidates = candidates
        result.chosen = chosen
        result.reference = candidates.isEmpty ? nil : candidates[reference]
        result.returnedReference = chosenIndex == reference
        if let k = splits.firstIndex(of: .random), k < devSets.count { result.randomDevQueries = ids(devSets[k]) }
        return result
    }

    static func gather(_ matrix: any RowMatrix, _ rows: [Int]) -> Matrix {
        let d = matrix.columns
        var out = Matrix(rows: rows.count, columns: d)
        matrix.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for (i, r) in rows.enumerated() {
                    (dst.baseAddress! + i * d).update(from: src.baseAddress! + r * d, count: d)
                }
            }
        }
        return out
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}
