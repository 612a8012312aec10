import Alignment
import EmbeddingIO
import LinearAlgebra
import Retrieval
import Testing
import _TestSupport

@Suite struct AdaptTrainerTests {
    /// After training with the rotation constraint the map is R f1 with R^T R = I to 1e-5 and det R = +1,
    /// and R really moved (the planted problem rewards rotating), so the check is not about R = I.
    @Test func rotationStaysInSpecialOrthogonalGroup() throws {
        let planted = try AdaptSyntheticProblem()
        let result = try AdaptTrainer.train(planted.problem, settings: AdaptSyntheticProblem.settings(.rotation))
        #expect(result.selectedSteps > 0)
        #expect(result.selectedDevNDCG10 > result.stageOneDevNDCG10 + 0.05)
        let r = try #require(result.rotation).converted(to: Double.self)
        let gram = try MatrixD.multiply(r, r, transA: .transposed)
        var worst = 0.0, distance = 0.0
        for i in 0..<r.rows {
            for j in 0..<r.columns {
                worst = max(worst, abs(gram[i, j] - (i == j ? 1 : 0)))
                distance += (r[i, j] - (i == j ? 1 : 0)) * (r[i, j] - (i == j ? 1 : 0))
            }
        }
        #expect(worst < 1e-5)
        #expect(abs(try r.determinant() - 1) < 1e-5)
        #expect(distance.squareRoot() > 0.1)
        // The adapted map is R f1: W = R W1 and b = R b1.
        let expected = try Matrix.multiply(try #require(result.rotation), planted.problem.stageOne.weight)
        #expect(zip(result.map.weight.storage, expected.storage).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test(arguments: [AdaptMapFamily.linear, .lowRank(rank: 4)])
    func unconstrainedFamiliesImproveThePlantedProblem(family: AdaptMapFamily) throws {
        let planted = try AdaptSyntheticProblem()
        let result = try AdaptTrainer.train(planted.problem, settings: AdaptSyntheticProblem.settings(family))
        #expect(result.selectedSteps > 0)
        #expect(result.selectedDevNDCG10 > result.stageOneDevNDCG10 + 0.05)
        #expect(result.rotation == nil)
    }

    /// Nothing outside the training judgments reaches the trainer: replacing the embeddings of the
    /// queries that only the evaluation judgments name leaves the trained map bit-identical.
    @Test func unlabeledQueriesDoNotInfluenceTraining() throws {
        let planted = try AdaptSyntheticProblem()
        var scrambled = planted.problem
        var x = planted.queries
        var g = SeededGenerator(seed: 99)
        for (row, id) in planted.problem.queryIds.enumerated() where planted.evaluation.judgments[id] != nil {
            for j in 0..<x.columns { x[row, j] = Float(g.normal()) }
        }
        scrambled.queries = x
        let settings = AdaptSyntheticProblem.settings(.linear)
        let a = try AdaptTrainer.train(planted.problem, settings: settings)
        let b = try AdaptTrainer.train(scrambled, settings: settings)
        #expect(a.selectedSteps > 0)
        #expect(a.map == b.map)
        #expect(Set(a.labeledQueries).isSubset(of: Set(planted.problem.trainingQrels.judgments.keys)))
    }

    @Test func sameSeedSameMapOtherSeedOtherMap() throws {
        let planted = try AdaptSyntheticProblem()
        let a = try AdaptTrainer.train(planted.problem, settings: AdaptSyntheticProblem.settings(.linear, seed: 3))
        let b = try AdaptTrainer.train(planted.problem, settings: AdaptSyntheticProblem.settings(.linear, seed: 3))
        let c = try AdaptTrainer.train(planted.problem, settings: AdaptSyntheticProblem.settings(.linear, seed: 4))
        #expect(a.map == b.map)
        #expect(a.map != c.map)
    }

    @Test func budgetDrawsThatManyQueriesWithTheSeed() throws {
        let planted = try AdaptSyntheticProblem()
        var settings = AdaptSyntheticProblem.settings(.linear)
        settings.budget = 20
        settings.maxSteps = 10
        let a = try AdaptTrainer.train(planted.problem, settings: settings)
        let b = try AdaptTrainer.train(planted.problem, settings: settings)
        settings.seed = 1
        let c = try AdaptTrainer.train(planted.problem, settings: settings)
        #expect(a.labeledQueries.count == 20)
        #expect(a.labeledQueries == b.labeledQueries)
        #expect(a.labeledQueries != c.labeledQueries)
        // Default 5-fold selection: every labeled query is a dev query once.
        #expect(a.devQueries.count == 5)
        #expect(Set(a.devQueries.flatMap { $0 }) == Set(a.labeledQueries))
    }

    @Test func fixedStepsWithoutSelection() throws {
        let planted = try AdaptSyntheticProblem()
        var settings = AdaptSyntheticProblem.settings(.linear)
        settings.folds = 0
        settings.maxSteps = 7
        let result = try AdaptTrainer.train(planted.problem, settings: settings)
        #expect(result.selectedSteps == 7)
        #expect(result.devQueries.isEmpty)
        #expect(result.map != planted.problem.stageOne)
    }

    @Test func invalidSettingsAreRejected() throws {
        let planted = try AdaptSyntheticProblem()
        var settings = AdaptSyntheticProblem.settings(.linear)
        settings.negatives = AdaptNegatives(random: 0, hard: 0, inBatch: false)
        #expect(throws: AlignmentError.self) { try AdaptTrainer.train(planted.problem, settings: settings) }
        settings = AdaptSyntheticProblem.settings(.lowRank(rank: 0))
        #expect(throws: AlignmentError.self) { try AdaptTrainer.train(planted.problem, settings: settings) }
        var empty = planted.problem
        empty.trainingQrels = Qrels(judgments: ["nobody": ["d1": 1]])
        #expect(throws: AlignmentError.self) {
            try AdaptTrainer.train(empty, settings: AdaptSyntheticProblem.settings(.linear))
        }
    }
}
