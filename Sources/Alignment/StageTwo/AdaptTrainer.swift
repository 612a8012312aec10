import EmbeddingIO
import Foundation
import LinearAlgebra

/// What the trainer reports while it works (the CLI prints these to stderr).
public enum AdaptEvent: Sendable, Hashable {
    /// Labeled queries drawn and split: `folds` dev sets (1: hold-out, more: k-fold for tiny budgets).
    case prepared(labeledQueries: Int, pairs: Int, folds: Int, devQueries: Int)
    /// Hard negatives mined with the stage-one map.
    case mined(seconds: Double)
    /// A dev evaluation during step selection: `fold` of `folds`, mean training loss since the last one.
    case evaluated(fold: Int, step: Int, trainingLoss: Double?, devNDCG10: Double)
    /// The number of steps chosen on the dev queries (0: stage one is kept).
    case selected(step: Int, devNDCG10: Double, stageOneDevNDCG10: Double)
    /// The final map trained on every labeled query for the chosen number of steps.
    case finished(steps: Int, seconds: Double)
}

/// One dev evaluation during step selection (averaged over folds).
public struct AdaptCheckpoint: Sendable, Hashable, Codable {
    public var step: Int
    /// Mean nDCG@10 over every dev query of every fold that reached this step.
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
    /// Steps chosen on the dev queries and taken by the final run.
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
/// 3. Choose the number of steps on dev queries: hold-out (`devFraction` of the budget) when that
///    gives at least `minDevQueries`, else 5-fold (every labeled query is a dev query once);
///    document-disjoint by default
///    (`folds` overrides; 0 skips selection and takes `maxSteps`).
///    Each fold trains on the rest and is scored (nDCG@10) every `evaluationInterval` steps; hold-out
///    stops after `patience` evaluations without improvement. Step 0 (stage one) is a candidate.
/// 4. Train on every labeled query for the chosen number of steps (seeded) and return that map.
public enum AdaptTrainer {
    /// - Throws: ``AlignmentError`` for invalid settings, inconsistent inputs, no labeled query,
    ///   or a numerical failure.
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
        let queries = gather(problem.queries, labeled.queryRows)

        // Dev sets: hold-out when devFraction of the budget gives minDevQueries, else 5-fold.
        let holdout = Int((settings.devFraction * Double(labeled.count)).rounded())
        let folds = min(settings.folds ?? (holdout >= settings.minDevQueries ? 1 : 5), labeled.count)
        let devSets = folds == 0 ? [] : labeled.devSets(folds: folds, devCount: holdout, split: settings.devSplit,
                                                         using: &generator)
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

        // Step selection on the dev sets.
        let scorer = AdaptDevScorer(corpus: problem.corpus, corpusIds: problem.corpusIds)
        var curves = [[Int: (sum: Double, count: Int)]]()
        for (f, dev) in devSets.enumerated() {
            let devSet = Set(dev)
            let train = (0..<labeled.count).filter { !devSet.contains($0) }
            guard !train.isEmpty else { continue }
            let judged = dev.map { problem.trainingQrels.judgments[labeled.ids[$0]] ?? [:] }
            let devQueries = queries.gatherRows(dev)
            var run = try AdaptTrainingRun(settings: settings, stageOne: problem.stageOne, queries: queries,
                                           corpus: problem.corpus, pairs: pairs(train),
                                           seed: settings.seed &+ 0x5E1EC7 &+ UInt64(f))
            var curve = [Int: (sum: Double, count: Int)]()
            var best = -Double.infinity, sinceBest = 0
            var lossSum = 0.0, lossCount = 0
            while true {
                if run.steps % settings.evaluationInterval == 0 || run.steps == settings.maxSteps {
                    let values = try scorer.ndcg10(map: try run.map(), queries: devQueries, judged: judged)
                    let mean = values.reduce(0, +) / Double(max(values.count, 1))
                    curve[run.steps] = (values.reduce(0, +), values.count)
                    progress(.evaluated(fold: f, step: run.steps, trainingLoss: lossCount > 0 ? lossSum / Double(lossCount) : nil,
                                        devNDCG10: mean))
                    lossSum = 0
                    lossCount = 0
                    if mean > best { best = mean; sinceBest = 0 } else { sinceBest += 1 }
                    if devSets.count == 1 && sinceBest >= settings.patience { break }
                }
                if run.steps == settings.maxSteps { break }
                lossSum += try run.step()
                lossCount += 1
            }
            curves.append(curve)
        }
        let checkpoints = merge(curves)
        let stageOneDev = checkpoints.first?.devNDCG10 ?? 0
        // The best mean over the steps every fold reached; ties go to the fewer steps.
        let complete = checkpoints.filter { $0.devQueries == checkpoints.first?.devQueries }
        let chosen = complete.max { $0.devNDCG10 < $1.devNDCG10 || ($0.devNDCG10 == $1.devNDCG10 && $0.step > $1.step) }
        let selected = devSets.isEmpty ? settings.maxSteps : (chosen?.step ?? 0)
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

    /// Per-step means over folds, ascending steps.
    private static func merge(_ curves: [[Int: (sum: Double, count: Int)]]) -> [AdaptCheckpoint] {
        var total = [Int: (sum: Double, count: Int)]()
        for curve in curves {
            for (step, value) in curve {
                let old = total[step] ?? (0, 0)
                total[step] = (old.sum + value.sum, old.count + value.count)
            }
        }
        return total.keys.sorted().map { step in
            let value = total[step]!
            return AdaptCheckpoint(step: step, devNDCG10: value.sum / Double(max(value.count, 1)), devQueries: value.count)
        }
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
