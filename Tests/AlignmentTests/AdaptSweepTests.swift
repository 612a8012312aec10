import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra
import Retrieval
import Synchronization
import Testing
import _TestSupport

/// Records when the evaluation judgments are read, relative to training.
final class QrelsAccessLog: Sendable {
    private let state = Mutex<(reads: Int, trainingEventsAfterRead: Int, trainingEvents: Int)>((0, 0, 0))
    func read() { state.withLock { $0.reads += 1 } }
    func trainingEvent() {
        state.withLock {
            $0.trainingEvents += 1
            if $0.reads > 0 { $0.trainingEventsAfterRead += 1 }
        }
    }
    var snapshot: (reads: Int, trainingEventsAfterRead: Int, trainingEvents: Int) { state.withLock { $0 } }
}

@Suite struct AdaptSweepTests {
    static func sweep(
        _ planted: AdaptSyntheticProblem, log: QrelsAccessLog, budgets: [Int?] = [20, nil],
        seeds: [UInt64] = [0, 1]
    ) throws -> AdaptSweepResult {
        let evaluation = planted.evaluation
        let access = AdaptSweepEvaluation(loadQrels: {
            log.read()
            return evaluation
        })
        var settings = AdaptSyntheticProblem.settings(.linear)
        settings.maxSteps = 30
        return try AdaptSweep.run(
            problem: planted.problem, configurations: [("unconstrained", settings)],
            budgets: budgets, seeds: seeds, evaluation: access, trials: 500
        ) { event in
            if case .training = event { log.trainingEvent() }
            if case .trained = event { log.trainingEvent() }
        }
    }

    /// The evaluation judgments are read exactly once, and only after the last training event; and
    /// the sweep's maps are exactly what the trainer gives without any evaluation judgments around.
    @Test func evaluationQrelsAreNeverReadDuringTraining() throws {
        let planted = try AdaptSyntheticProblem()
        let log = QrelsAccessLog()
        let result = try Self.sweep(planted, log: log)
        let access = log.snapshot
        #expect(access.reads == 1)
        #expect(access.trainingEvents > 0)
        #expect(access.trainingEventsAfterRead == 0)
        var settings = AdaptSyntheticProblem.settings(.linear)
        settings.maxSteps = 30
        settings.budget = 20
        settings.seed = 1
        let alone = try AdaptTrainer.train(planted.problem, settings: settings)
        let run = try #require(result.runs.first { $0.budget == 20 && $0.seed == 1 })
        #expect(run.selectedSteps == alone.selectedSteps)
        #expect(run.labeledQueries == 20)
    }

    /// Evaluation judgments that name labeled queries (a train/test leak) are left out of the evaluation,
    /// and the result and its table say how many; without a leak nothing is said.
    @Test func labeledQueriesInTheEvaluationAreLeftOut() throws {
        let planted = try AdaptSyntheticProblem()
        let clean = try Self.sweep(planted, log: QrelsAccessLog(), budgets: [nil], seeds: [0])
        #expect(clean.excludedLabeledQueries.isEmpty && clean.summary.excludedLabeledQueries == nil)
        let training = planted.problem.trainingQrels.judgments
        let leakedIds = Array(training.keys.sorted().prefix(3))
        var judgments = planted.evaluation.judgments
        for id in leakedIds { judgments[id] = training[id] }
        let leaky = Qrels(judgments: judgments)
        var settings = AdaptSyntheticProblem.settings(.linear)
        settings.maxSteps = 30
        let result = try AdaptSweep.run(
            problem: planted.problem, configurations: [("unconstrained", settings)], budgets: [nil], seeds: [0],
            evaluation: AdaptSweepEvaluation(loadQrels: { leaky }), trials: 500)
        #expect(result.excludedLabeledQueries == leakedIds.sorted())
        #expect(result.summary.excludedLabeledQueries == 3)
        #expect(result.references[0].all.count == clean.references[0].all.count)
        // The labeled qrels as the evaluation: nothing held out, said plainly.
        let all = planted.problem.trainingQrels
        let error = #expect(throws: RetrievalError.self) {
            try AdaptSweep.run(
                problem: planted.problem, configurations: [("unconstrained", settings)], budgets: [nil], seeds: [0],
                evaluation: AdaptSweepEvaluation(loadQrels: { all }), trials: 500)
        }
        #expect("\(String(describing: error))".contains("is a labeled query too"))
    }

    /// The same recording loader around a hybrid problem whose choice runs every candidate on both fold
    /// kinds (balanced): selection never opens the evaluation judgments (one read, after all training),
    /// and scrambling both embeddings of every query that only the evaluation judgments name leaves the
    /// chosen map and every candidate's dev scores bit-identical.
    @Test func selectionWithIndexQueriesNeverReadsEvaluationQrels() throws {
        let planted = try AdaptSyntheticProblem()
        var problem = planted.problem
        problem.indexQueries = HybridAdaptTests.indexQueries(planted, noise: 0.5)
        let log = QrelsAccessLog()
        let evaluation = planted.evaluation
        var settings = AdaptSyntheticProblem.settings(.linear)
        settings.maxSteps = 30
        settings.objective = .balanced
        let result = try AdaptSweep.run(
            problem: problem, configurations: [("hybrid", settings)], budgets: [nil], seeds: [0],
            evaluation: AdaptSweepEvaluation(loadQrels: {
                log.read(); return evaluation
            }), trials: 200
        ) { event in
            if case .training = event { log.trainingEvent() }
            if case .trained = event { log.trainingEvent() }
        }
        let access = log.snapshot
        #expect(access.reads == 1 && access.trainingEvents > 0 && access.trainingEventsAfterRead == 0)
        #expect(result.runs.count == 1)

        let alone = try AdaptTrainer.train(problem, settings: settings)
        var scrambled = problem
        var x = planted.queries, y = try #require(problem.indexQueries as? Matrix)
        var g = SeededGenerator(seed: 98)
        for (row, id) in problem.queryIds.enumerated() where planted.evaluation.judgments[id] != nil {
            for j in 0..<x.columns { x[row, j] = Float(g.normal()) }
            for j in 0..<y.columns { y[row, j] = Float(g.normal()) }
        }
        scrambled.queries = x
        scrambled.indexQueries = y
        let other = try AdaptTrainer.train(scrambled, settings: settings)
        #expect(alone.map == other.map && alone.hybrid == other.hybrid)
        #expect(alone.candidates == other.candidates && !alone.candidates.isEmpty)
    }

    @Test func pointsAreMeansOverSeedsWithTestsAgainstStageOne() throws {
        let planted = try AdaptSyntheticProblem()
        let result = try Self.sweep(planted, log: QrelsAccessLog())
        #expect(result.points.count == 2)
        #expect(result.runs.count == 4)
        #expect(result.references.map(\.label) == ["stage one"])
        for point in result.points {
            let runs = result.runs.filter { $0.budget == point.budget }
            let values = runs.map { $0.all.mean["ndcg@10"]! }
            #expect(abs(point.meanAll - values.reduce(0, +) / 2) < 1e-12)
            #expect(abs(point.sdAll - abs(values[0] - values[1]) / 2.0.squareRoot()) < 1e-12)
            let stageOne = result.references[0].all.mean["ndcg@10"]!
            #expect(abs(point.versusStageOneAll.meanDifference - (point.meanAll - stageOne)) < 1e-9)
            // Every evaluation query's documents are new to the training judgments: unseen = all.
            #expect(point.versusStageOneUnseen.count == planted.evaluation.judgments.count)
        }
        // The planted problem rewards adapting: with all 120 labels the gain is large and significant.
        let full = try #require(result.points.first { $0.budget == nil })
        #expect(full.versusStageOneAll.meanDifference > 0.05)
        #expect(full.versusStageOneAll.pValue < 0.01)
        let json = try JSONEncoder().encode(result.summary)
        #expect(try JSONDecoder().decode(AdaptSweepSummary.self, from: json) == result.summary)
    }
}
