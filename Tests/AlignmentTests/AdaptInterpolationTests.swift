import Alignment
import LinearAlgebra
import Testing
import _TestSupport

/// Interpolated candidates (1 - t) f_start + t f_trained, and the defaults of a retired index model.
@Suite struct AdaptInterpolationTests {
    @Test func interpolationEndsAtItsMaps() throws {
        var g = SeededGenerator(seed: 3)
        let a = try AffineMap(weight: Matrix.randomNormal(rows: 4, columns: 6, using: &g), bias: [1, 2, 3, 4])
        let b = try AffineMap(weight: Matrix.randomNormal(rows: 4, columns: 6, using: &g), bias: [5, 6, 7, 8])
        #expect(try AffineMap.interpolating(from: a, to: b, t: 0) == a)
        #expect(try AffineMap.interpolating(from: a, to: b, t: 1).bias == b.bias)
        let half = try AffineMap.interpolating(from: a, to: b, t: 0.5)
        #expect(half.bias == [3, 4, 5, 6])
        for i in 0..<4 {
            for j in 0..<6 { #expect(abs(half.weight[i, j] - (a.weight[i, j] + b.weight[i, j]) / 2) < 1e-6) }
        }
    }

    /// A retired index model: balanced objective, the retired penalties, and interpolated candidates of
    /// every default weight, for each penalty's steps.
    @Test func aRetiredIndexModelComparesInterpolatedCandidates() throws {
        var problem = try AdaptSyntheticProblem().problem
        problem.indexModelRetired = true
        var settings = AdaptSyntheticProblem.settings(.linear)
        settings.maxSteps = 30
        let result = try AdaptTrainer.train(problem, settings: settings)
        #expect(result.objective == .balanced)
        #expect(result.hybrid == nil && result.reference?.kind == .stageOne)
        let interpolated = result.candidates.filter { $0.kind == .interpolated }
        let trained = result.candidates.filter { $0.kind == .trained }
        let weights = AdaptSettings.defaultRetiredInterpolations(for: .linear)
        #expect(Set(interpolated.compactMap(\.interpolation)) == Set(weights))
        #expect(interpolated.count == trained.count * weights.count)
        #expect(Set(trained.compactMap(\.penalty)) == Set(AdaptSettings.defaultRetiredPenalties(for: .linear)))
        #expect(result.candidates.allSatisfy { $0.documentDisjointDevNDCG10 != nil && $0.randomDevNDCG10 != nil })
        let chosen = try #require(result.chosen), reference = try #require(result.reference)
        // Against stage one the default tolerance is 0: nothing below it on document-disjoint folds.
        #expect(chosen.documentDisjointDevNDCG10! >= reference.documentDisjointDevNDCG10!)
    }

    /// Not retired, no index-model queries, no settings: no interpolated candidate (as before).
    @Test func withoutARetiredIndexModelNothingIsInterpolated() throws {
        let problem = try AdaptSyntheticProblem().problem
        var settings = AdaptSyntheticProblem.settings(.linear)
        settings.maxSteps = 20
        let result = try AdaptTrainer.train(problem, settings: settings)
        #expect(result.objective == nil)
        #expect(!result.candidates.contains { $0.kind == .interpolated })
    }

    /// A rotation stays a rotation: no interpolated candidates even when asked for.
    @Test func rotationsAreNotInterpolated() throws {
        var problem = try AdaptSyntheticProblem().problem
        problem.indexModelRetired = true
        var settings = AdaptSyntheticProblem.settings(.rotation)
        settings.maxSteps = 20
        settings.interpolations = [0.5]
        let result = try AdaptTrainer.train(problem, settings: settings)
        #expect(!result.candidates.contains { $0.kind == .interpolated })
    }
}
