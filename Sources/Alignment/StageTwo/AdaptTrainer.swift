import Retrieval
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
    /// Mean nDCG@10 over every dev query of every fold.
    public var devNDCG10: Double
    public var devQueries: Int
}

/// The outcome of ``AdaptTrainer/train(_:settings:progress:)``.
public struct AdaptResult: Sendable {
    /// The adapted query map (stage one when no step beat it on the dev queries).
    public var map: AffineMap<Float>
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
    public var stageOneDevNDCG10: Double
    public var selectedDevNDCG10: Double
    public var seconds: Double
}

/// Stage two: fine-tunes the query map on labeled queries, starting from stage one. Documents and
/// the index never change.
///
/// 1. Draw the budget's labeled queries (seeded) from the training qrels.
/// 2. Mine hard negatives with the stage-one map as teacher.
/// 3. Choose the number of steps on dev queries, document-disjoint by default: k-fold (`folds`,
///    default 5: every labeled query is a dev query once), a hold-out set (`folds` = 1), or none
///    (`folds` = 0: `maxSteps`). The folds train in lockstep; their dev nDCG@10 is pooled every
///    `evaluationInterval` steps and training stops after `patience` evaluations without a new best.
///    Each fold trains on the rest and is scored (nDCG@10) every `evaluationInterval` steps; hold-out
///    stops after `patience` evaluations without improvement. Step 0 (stage one) is a candidate.
/// 4. Train on every labeled query for the best step count, scaled to the same number of passes over
///    all pairs (seeded), and return that map.
public enum AdaptTrainer {
    /// - Throws: ``AlignmentError`` for invalid settings, inconsistent inputs, no labeled query,
    ///   or a numerical failure.
    public static func train(_ problem: AdaptProblem, settings: AdaptSettings,
                             progress: (AdaptEvent) -> Void = { _ in }) throws(AlignmentError) -> AdaptResult {
        let start = ContinuousClock.now
        let settings = try settings.validated(queryDimension: problem.queries.columns, indexDimension: problem.corpus.columns)
        let (queryRow, corpusRow) = try problem.validated()
        var generator = SplitMix64(seed: settings.seed)
        let all = AdaptLabeledQueries(qrels: problem.trainingQrels, queryRow: queryRow, corpusRow: corpusRow)
        let labeled = all.sample(budget: settings.budget, using: &generator)
        let needed = settings.folds == 0 ? 1 : 2
        guard labeled.count >= needed else {
            throw .empty(what: "labeled training queries (with an embedding and a relevant document in the corpus; "
                + "\(needed) needed to \(needed == 2 ? "choose the number of steps" : "train"), got \(labeled.count))")
        }
        let queries = gather(problem.queries, labeled.queryRows)

        // Dev sets: k-fold, or one hold-out set of devFraction of the budget (at least minDevQueries,
        // at most half).
        let holdout = min(labeled.count / 2, max(settings.minDevQueries,
                                                 Int((settings.devFraction * Double(labeled.count)).rounded())))
        let foldCount = min(settings.folds ?? AdaptSettings.defaultFolds, labeled.count)
        let devSets = foldCount == 0 ? [] : labeled.devSets(folds: foldCount, devCount: holdout,
                                                              split: settings.devSplit, using: &generator)
        let pairCount = labeled.positives.reduce(0) { $0 + $1.count }
        progress(.prepared(labeledQueries: labeled.count, pairs: pairCount, folds: devSets.count,
                           devQueries: devSets.reduce(0) { $0 + $1.count }))

        let mineStart = ContinuousClock.now
        let pools = try AdaptNegativePools.mine(
            mappedQueries: try problem.stageOne.applyNormalized(to: queries), corpus: problem.corpus,
            positives: labeled.positives, pool: settings.hardPool, keep: 2 * settings.negatives.hard,
            margin: settings.falseNegativeMargin)
        progress(.mined(seconds: seconds(since: mineStart)))
        func pairs(_ indices: [Int]) -> [AdaptPair] {
            indices.flatMap { q in
                labeled.positives[q].enumerated().map { k, doc in
                    AdaptPair(query: q, positive: doc, labeled: labeled.positives[q], pool: pools.pools[q][k])
                }
            }
        }

        // Step selection: the folds train in lockstep and are scored together every evaluationInterval
        // steps; the mean over all dev queries is the curve, early-stopped after `patience` evaluations
        // without a new best.
        let scorer = AdaptDevScorer(corpus: problem.corpus, corpusIds: problem.corpusIds)
        var folds = [SelectionFold]()
        for (f, dev) in devSets.enumerated() {
            let devSet = Set(dev)
            let train = (0..<labeled.count).filter { !devSet.contains($0) }
            guard !train.isEmpty else { continue }
            folds.append(SelectionFold(
                run: try AdaptTrainingRun(settings: settings, stageOne: problem.stageOne, queries: queries,
                                          corpus: problem.corpus, pairs: pairs(train),
                                          seed: settings.seed &+ 0x5E1EC7 &+ UInt64(f)),
                devQueries: queries.gatherRows(dev),
                judged: dev.map { problem.trainingQrels.judgments[labeled.ids[$0]] ?? [:] }))
        }
        var checkpoints = [AdaptCheckpoint]()
        if !folds.isEmpty {
            var step = 0, best = -Double.infinity, sinceBest = 0
            var lossSum = 0.0, lossCount = 0
            while true {
                var sum = 0.0, count = 0
                for fold in folds {
                    let values = try scorer.ndcg10(map: try fold.run.map(), queries: fold.devQueries, judged: fold.judged)
                    sum += values.reduce(0, +)
                    count += values.count
                }
                let mean = sum / Double(max(count, 1))
                checkpoints.append(AdaptCheckpoint(step: step, devNDCG10: mean, devQueries: count))
                progress(.evaluated(step: step, trainingLoss: lossCount > 0 ? lossSum / Double(lossCount) : nil,
                                    devNDCG10: mean))
                (lossSum, lossCount) = (0, 0)
                if mean > best { (best, sinceBest) = (mean, 0) } else { sinceBest += 1 }
                if sinceBest >= settings.patience || step >= settings.maxSteps { break }
                step = min(step + settings.evaluationInterval, settings.maxSteps)
                for f in folds.indices {
                    while folds[f].run.steps < step {
                        lossSum += try folds[f].run.step()
                        lossCount += 1
                    }
                }
            }
        }
        let stageOneDev = checkpoints.first?.devNDCG10 ?? 0
        // The best dev mean; ties go to the fewer steps.
        let chosen = checkpoints.max { $0.devNDCG10 < $1.devNDCG10 || ($0.devNDCG10 == $1.devNDCG10 && $0.step > $1.step) }
        // The folds trained on part of the pairs; the final run takes as many passes over all of them.
        let foldPairs = folds.map { Double($0.run.pairs.count) }
        let scale = foldPairs.isEmpty ? 1 : Double(pairCount) / (foldPairs.reduce(0, +) / Double(foldPairs.count))
        let selected = folds.isEmpty ? settings.maxSteps : Int((Double(chosen?.step ?? 0) * scale).rounded())
        progress(.selected(step: selected, devNDCG10: chosen?.devNDCG10 ?? stageOneDev, stageOneDevNDCG10: stageOneDev))

        // Final run on every labeled query.
        var final = try AdaptTrainingRun(settings: settings, stageOne: problem.stageOne, queries: queries,
                                         corpus: problem.corpus, pairs: pairs(Array(0..<labeled.count)),
                                         seed: settings.seed &+ 0xF17A1)
        while final.steps < selected { _ = try final.step() }
        let elapsed = seconds(since: start)
        progress(.finished(steps: selected, seconds: elapsed))
        return AdaptResult(
            map: try final.map(), rotation: final.parameters.rotation, settings: settings, labeledQueries: labeled.ids,
            devQueries: devSets.map { $0.map { labeled.ids[$0] } }, pairs: pairCount, checkpoints: checkpoints,
            selectedSteps: selected, stageOneDevNDCG10: stageOneDev,
            selectedDevNDCG10: chosen?.devNDCG10 ?? stageOneDev, seconds: elapsed)
    }

    private static func gather(_ matrix: any RowMatrix, _ rows: [Int]) -> Matrix {
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

/// One fold of step selection: a training run on the other folds' queries and its dev queries.
private struct SelectionFold {
    var run: AdaptTrainingRun
    let devQueries: Matrix
    let judged: [[String: Int]]
}
