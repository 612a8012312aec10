import Alignment
import LinearAlgebra
import Testing
import _TestSupport

/// Where trained hybrid candidates start (``HybridStart``): the default mix unless the balanced
/// objective's floor rejects it.
@Suite struct HybridStartTests {
    /// Label-free candidates: the index as it is at `reference`, stage one, and mixes with the given
    /// document-disjoint dev scores.
    static func labelFree(reference: Double, mixes: [(Double, Double)]) -> [AdaptCandidate] {
        [
            AdaptCandidate(
                kind: .indexAsIs, alpha: 0, documentDisjointDevNDCG10: reference, randomDevNDCG10: reference),
            AdaptCandidate(kind: .stageOne, alpha: 1, documentDisjointDevNDCG10: 0.41, randomDevNDCG10: 0.41),
        ]
            + mixes.map {
                AdaptCandidate(kind: .mix, alpha: $0.0, documentDisjointDevNDCG10: $0.1, randomDevNDCG10: $0.1)
            }
    }

    @Test func aStrongStageOneKeepsTheDefault() {
        // The paired SciFact figures (mpnet -> minilm, seed 0): the default's mix is within the tolerance.
        let candidates = Self.labelFree(
            reference: 0.6602, mixes: [(0.2, 0.6642), (0.3, 0.6641), (0.4, 0.6602), (0.45, 0.6579), (0.5, 0.6545)])
        let start = HybridStart.choose(requested: nil, objective: .balanced, labelFree: candidates)
        #expect(start == HybridStart(alpha: AdaptSettings.defaultHybridAlpha, reason: .defaultAlpha))
    }

    @Test func theLargestAdmittedMixBelowTheDefault() {
        let candidates = Self.labelFree(
            reference: 0.66, mixes: [(0.2, 0.664), (0.3, 0.656), (0.4, 0.650), (0.45, 0.640), (0.5, 0.63)])
        let start = HybridStart.choose(requested: nil, objective: .balanced, labelFree: candidates)
        #expect(start == HybridStart(alpha: 0.3, reason: .largestAdmitted))
    }

    @Test func noAdmittedMixStartsFromTheSmallest() {
        // The disjoint-halves unpaired stage one (seed 0): every mix is below the floor.
        let candidates = Self.labelFree(
            reference: 0.6602, mixes: [(0.7, 0.5720), (0.2, 0.6525), (0.3, 0.6483), (0.45, 0.6320)])
        let start = HybridStart.choose(requested: nil, objective: .balanced, labelFree: candidates)
        #expect(start == HybridStart(alpha: 0.2, reason: .smallestMix))
    }

    @Test func aRequestedAlphaOrAnotherObjectiveIsKept() {
        let weak = Self.labelFree(reference: 0.66, mixes: [(0.2, 0.60), (0.45, 0.55)])
        #expect(
            HybridStart.choose(requested: 0.45, objective: .balanced, labelFree: weak)
                == HybridStart(alpha: 0.45, reason: .requested))
        for objective in [AdaptSelectionObjective.newDocuments, .recurring] {
            #expect(HybridStart.choose(requested: nil, objective: objective, labelFree: weak).reason == .defaultAlpha)
        }
        // The default's mix was not compared: nothing to judge it by.
        let without = Self.labelFree(reference: 0.66, mixes: [(0.2, 0.60), (0.3, 0.55)])
        #expect(HybridStart.choose(requested: nil, objective: .balanced, labelFree: without).reason == .defaultAlpha)
        #expect(HybridStart.choose(requested: nil, objective: .balanced, labelFree: []).reason == .defaultAlpha)
    }

    /// The trainer applies the rule: with a stage one that maps queries to noise, every mix is below the
    /// floor, and trained candidates start from the smallest mix (their alpha says so).
    @Test func theTrainerStartsAWeakStageOneFromTheSmallestMix() throws {
        let planted = try AdaptSyntheticProblem()
        var problem = planted.problem
        problem.indexQueries = HybridAdaptTests.indexQueries(planted, noise: 0.5)
        let p = problem.stageOne.sourceDimension, m = problem.stageOne.targetDimension
        var g = SeededGenerator(seed: 11)
        var noise = Matrix(rows: m, columns: p)
        for i in 0..<m { for j in 0..<p { noise[i, j] = Float(g.normal()) } }
        problem.stageOne = try AffineMap(weight: noise, bias: [Float](repeating: 0, count: m))
        var settings = AdaptSyntheticProblem.settings(.linear)
        settings.maxSteps = 20
        let result = try AdaptTrainer.train(problem, settings: settings)
        let start = try #require(result.hybridStart)
        let floor = result.reference!.documentDisjointDevNDCG10! - AdaptSelection.balancedTolerance
        let defaultMix = try #require(result.candidates.first { $0.alpha == AdaptSettings.defaultHybridAlpha })
        #expect(defaultMix.documentDisjointDevNDCG10! < floor)
        #expect(start.reason != .defaultAlpha && start.alpha < AdaptSettings.defaultHybridAlpha)
        #expect(result.candidates.filter { $0.kind == .trained }.allSatisfy { $0.alpha == start.alpha })
    }
}
