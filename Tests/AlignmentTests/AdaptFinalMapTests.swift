import Alignment
import LinearAlgebra
import Testing
import _TestSupport

/// `final_map`: the final map retrained on every labeled query (`refit`, the default) or the mean of the
/// chosen candidate's fold maps (`fold-average`).
@Suite struct AdaptFinalMapTests {
    @Test func averagingIsTheEntrywiseMean() throws {
        var g = SeededGenerator(seed: 5)
        let maps = try (0..<3).map { k in
            try AffineMap(
                weight: Matrix.randomNormal(rows: 4, columns: 6, using: &g), bias: (0..<4).map { Float($0 + 4 * k) })
        }
        let mean = try AffineMap.averaging(maps)
        #expect(mean.bias == [4, 5, 6, 7])
        for i in 0..<4 {
            for j in 0..<6 {
                let expected = maps.reduce(Float(0)) { $0 + $1.weight[i, j] } / 3
                #expect(abs(mean.weight[i, j] - expected) < 1e-6)
            }
        }
        #expect(try AffineMap.averaging([maps[1]]) == maps[1])
    }

    /// A retired index model: the returned map is the mean of the fold maps at the chosen step (every fold
    /// of both splits), interpolated after averaging when the choice is interpolated; no final run.
    @Test func foldAverageIsTheMeanOfTheFoldMaps() throws {
        var problem = try AdaptSyntheticProblem().problem
        problem.indexModelRetired = true
        var settings = AdaptSyntheticProblem.settings(.linear)
        settings.maxSteps = 30
        settings.finalMap = .foldAverage
        let result = try AdaptTrainer.train(problem, settings: settings)
        let chosen = try #require(result.chosen)
        try #require(chosen.kind == .trained || chosen.kind == .interpolated, "the planted problem rewards training")
        let folds = try #require(result.averagedFoldMaps)
        // Two splits (balanced), five folds each, minus any fold that left no training query.
        #expect(folds.count > 5 && folds.count <= 10)
        #expect(result.selectedSteps == chosen.steps)
        #expect(folds[0] != folds[1] && folds[0] != problem.stageOne)
        var expected = try AffineMap(
            weight: Matrix(rows: folds[0].targetDimension, columns: folds[0].sourceDimension),
            bias: [Float](repeating: 0, count: folds[0].targetDimension))
        for i in 0..<expected.targetDimension {
            expected.bias[i] = folds.reduce(Float(0)) { $0 + $1.bias[i] } / Float(folds.count)
            for j in 0..<expected.sourceDimension {
                expected.weight[i, j] = folds.reduce(Float(0)) { $0 + $1.weight[i, j] } / Float(folds.count)
            }
        }
        if chosen.kind == .interpolated, let t = chosen.interpolation {
            expected = try AffineMap.interpolating(from: problem.stageOne, to: expected, t: Float(t))
        }
        for i in 0..<expected.targetDimension {
            #expect(abs(result.map.bias[i] - expected.bias[i]) < 1e-5)
            for j in 0..<expected.sourceDimension {
                #expect(abs(result.map.weight[i, j] - expected.weight[i, j]) < 1e-5)
            }
        }
        // The same selection with the default final map retrains instead: another map, same choice.
        settings.finalMap = nil
        let refit = try AdaptTrainer.train(problem, settings: settings)
        #expect(refit.chosen == chosen && refit.averagedFoldMaps == nil)
        #expect(refit.map != result.map)
    }

    /// `refit-fold-steps` retrains on every labeled query for the chosen steps as they are (no scaling to
    /// the same passes), so a trained choice gives fewer steps than `refit` and another map.
    @Test func refitFoldStepsTakesTheChosenStepsAsTheyAre() throws {
        var problem = try AdaptSyntheticProblem().problem
        problem.indexModelRetired = true
        var settings = AdaptSyntheticProblem.settings(.linear)
        settings.maxSteps = 30
        let refit = try AdaptTrainer.train(problem, settings: settings)
        let chosen = try #require(refit.chosen)
        try #require(chosen.kind == .trained || chosen.kind == .interpolated)
        settings.finalMap = .refitFoldSteps
        let short = try AdaptTrainer.train(problem, settings: settings)
        #expect(short.chosen == chosen && short.averagedFoldMaps == nil)
        #expect(short.selectedSteps == chosen.steps && refit.selectedSteps > chosen.steps)
        #expect(short.map != refit.map)
    }

    /// The default is `refit`, as before the setting existed: unset and `refit` give the same map to the bit
    /// and the same configuration hash (an unset setting is not encoded).
    @Test func theDefaultRefitsAsBefore() throws {
        var problem = try AdaptSyntheticProblem().problem
        problem.indexModelRetired = true
        var settings = AdaptSyntheticProblem.settings(.linear)
        settings.maxSteps = 30
        let unset = try AdaptTrainer.train(problem, settings: settings)
        #expect(settings.finalMap == nil)
        let before = settings.configurationHash
        settings.finalMap = .refit
        let refit = try AdaptTrainer.train(problem, settings: settings)
        #expect(unset.map == refit.map && unset.averagedFoldMaps == nil)
        #expect(settings.configurationHash != before)  // set explicitly, it is recorded
        settings.finalMap = nil
        #expect(settings.configurationHash == before)
    }

    /// The measurement shortcut of docs/upgrading.md: rerunning with only the chosen penalty and the chosen
    /// step as max_steps gives the same choice and the same map (fold runs are seeded per fold, not per penalty).
    @Test func theChosenPenaltyAndStepAloneKeepTheChoice() throws {
        var problem = try AdaptSyntheticProblem().problem
        problem.indexModelRetired = true
        var settings = AdaptSyntheticProblem.settings(.linear)
        settings.maxSteps = 40
        let full = try AdaptTrainer.train(problem, settings: settings)
        let chosen = try #require(full.chosen)
        try #require(chosen.kind == .trained || chosen.kind == .interpolated)
        settings.penalties = [try #require(chosen.penalty)]
        settings.maxSteps = chosen.steps
        let short = try AdaptTrainer.train(problem, settings: settings)
        #expect(short.chosen == chosen)
        #expect(short.map == full.map)
    }
}
