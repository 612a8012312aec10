import EmbeddingIO
import Foundation
import LinearAlgebra
import Retrieval

/// Trains stage two at every (configuration, budget, seed), then evaluates every map and the
/// references on the held-out judgments: all queries and the unseen subset (queries none of whose
/// relevant documents any training query cites), nDCG@10, mean ± sd over seeds, paired
/// randomization test and bootstrap interval (Retrieval's `PairedSignificance`) against stage one.
public enum AdaptSweep {
    public static let metric = "ndcg@10"

    /// - Parameters:
    ///   - problem: the queries, the index, the training judgments and stage one's map every run starts from.
    ///   - configurations: labeled settings (e.g. "unconstrained", "rotation"); their budget and seed are overridden.
    ///   - budgets: numbers of labeled queries; nil means all of them.
    ///   - seeds: one training per seed and budget.
    ///   - evaluation: the held-out judgments (read after all training) and the index model's queries, if any.
    ///   - trials: permutations of the randomization test and resamples of the bootstrap interval.
    ///   - progress: called synchronously with each run's training events, each trained run and the evaluation.
    /// - Throws: the trainer's ``AlignmentError``, the evaluator's errors, whatever `loadQrels` throws.
    public static func run(
        problem: AdaptProblem, configurations: [(label: String, settings: AdaptSettings)],
        budgets: [Int?], seeds: [UInt64], evaluation: AdaptSweepEvaluation,
        trials: Int = 10_000, progress: (AdaptSweepEvent) -> Void = { _ in }
    ) throws -> AdaptSweepResult {
        precondition(!configurations.isEmpty && !budgets.isEmpty && !seeds.isEmpty, "empty sweep")
        // Before any training: the tests at the end would refuse the count after hours of work.
        guard trials > 0, trials <= PairedSignificance.maxTrials else {
            throw RetrievalError.invalidParameter(
                "significance trials \(trials) must be in 1...\(PairedSignificance.maxTrials)")
        }
        // 1. Train everything; no evaluation judgment exists in this process yet.
        var trained = [(label: String, budget: Int?, seed: UInt64, result: AdaptResult)]()
        for (label, base) in configurations {
            for budget in budgets {
                for seed in seeds {
                    var settings = base
                    settings.budget = budget
                    settings.seed = seed
                    let result = try AdaptTrainer.train(problem, settings: settings) { event in
                        progress(.training(configuration: label, budget: budget, seed: seed, event: event))
                    }
                    progress(
                        .trained(
                            configuration: label, budget: budget, seed: seed,
                            labeledQueries: result.labeledQueries.count,
                            selectedSteps: result.selectedSteps, seconds: result.seconds))
                    trained.append((label, budget, seed, result))
                }
            }
        }
        // 2. Evaluate.
        progress(.evaluating)
        let loaded = try evaluation.loadQrels()
        let leaked = loaded.judgments.keys.filter { problem.trainingQrels.judgments[$0] != nil }.sorted()
        let qrels =
            leaked.isEmpty ? loaded : loaded.restricted(toQueries: Set(loaded.judgments.keys).subtracting(leaked))
        if !leaked.isEmpty, qrels.judgments.isEmpty {
            throw RetrievalError.invalidParameter(
                "every query of the evaluation qrels (\(leaked.count)) is a labeled query too: the sweep has nothing "
                    + "held out to evaluate on; give evaluation qrels of other queries")
        }
        func evaluate(_ queries: any RowMatrix, _ ids: [String], map: AffineMap<Float>?) throws
            -> (all: EvaluationReport, unseen: EvaluationReport)
        {
            let run = try Evaluator.evaluate(
                queries: queries, queryIds: ids, corpus: problem.corpus, corpusIds: problem.corpusIds, qrels: qrels,
                cutoffs: [10, 100], mapQueries: map.map { m in { try m.applyNormalized(to: $0) } })
            return (run.report, run.report.unseen(testQrels: qrels, trainQrels: problem.trainingQrels))
        }
        let stageOne = try evaluate(problem.queries, problem.queryIds, map: problem.stageOne)
        var references = [AdaptSweepReference(label: "stage one", all: stageOne.all, unseen: stageOne.unseen)]
        if let indexQueries = evaluation.indexQueries {
            let asIs = try evaluate(indexQueries, evaluation.indexQueryIds ?? problem.queryIds, map: nil)
            references.append(AdaptSweepReference(label: "index as it is", all: asIs.all, unseen: asIs.unseen))
        }
        // Hybrid results act on [x y] rows (the index-model queries are the problem's, same row order).
        let trainedInputs: any RowMatrix =
            problem.indexQueries.map { y in
                concatenateRows(problem.queries.gatherRows(0..<problem.queries.rows), y.gatherRows(0..<y.rows))
            } ?? problem.queries
        var runs = [AdaptSweepRun]()
        for t in trained {
            let reports = try evaluate(trainedInputs, problem.queryIds, map: t.result.map)
            runs.append(
                AdaptSweepRun(
                    configuration: t.label, budget: t.budget, labeledQueries: t.result.labeledQueries.count,
                    seed: t.seed, selectedSteps: t.result.selectedSteps,
                    trainingSeconds: t.result.seconds, all: reports.all, unseen: reports.unseen))
        }
        var points = [AdaptSweepPoint]()
        for (label, _) in configurations {
            for budget in budgets {
                let group = runs.filter { $0.configuration == label && $0.budget == budget }
                points.append(try point(group, label: label, budget: budget, stageOne: stageOne, trials: trials))
            }
        }
        var result = AdaptSweepResult(metric: metric, runs: runs, points: points, references: references)
        result.excludedLabeledQueries = leaked
        return result
    }

    /// Mean ± sd over the group's seeds and the paired tests of its seed-averaged per-query values.
    static func point(
        _ group: [AdaptSweepRun], label: String, budget: Int?,
        stageOne: (all: EvaluationReport, unseen: EvaluationReport), trials: Int
    ) throws -> AdaptSweepPoint {
        func perQueryMean(_ reports: [EvaluationReport]) -> [Double] {
            let columns = reports.map { $0.values(of: metric)! }
            return (0..<columns[0].count).map { i in columns.reduce(0) { $0 + $1[i] } / Double(columns.count) }
        }
        let all = group.map { $0.all.mean[metric]! }, unseen = group.map { $0.unseen.mean[metric]! }
        return AdaptSweepPoint(
            configuration: label, budget: budget, labeledQueries: group[0].labeledQueries, seeds: group.count,
            meanAll: mean(all), sdAll: sampleStandardDeviation(all),
            meanUnseen: mean(unseen), sdUnseen: sampleStandardDeviation(unseen),
            versusStageOneAll: try PairedSignificance.compare(
                stageOne.all.values(of: metric)!,
                perQueryMean(group.map(\.all)), trials: trials),
            versusStageOneUnseen: try PairedSignificance.compare(
                stageOne.unseen.values(of: metric)!,
                perQueryMean(group.map(\.unseen)), trials: trials),
            meanSteps: mean(group.map { Double($0.selectedSteps) }))
    }

    static func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }

    /// Sample standard deviation (n - 1); 0 for fewer than two values.
    static func sampleStandardDeviation(_ values: [Double]) -> Double {
        guard values.count > 1 else { return 0 }
        let m = mean(values)
        return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
    }
}
