import Alignment
import EmbeddingIO
import LinearAlgebra
import Testing
import _TestSupport

/// Stage two with index-model queries: hybrid results, the choice with an objective, the fall-back
/// to the reference, refusals.
@Suite struct HybridAdaptTests {
    /// The planted problem's index-model query vectors: each query's relevant document plus `noise`
    /// (0: the index model already finds every relevant document first).
    static func indexQueries(_ planted: AdaptSyntheticProblem, noise: Double, seed: UInt64 = 5) -> Matrix {
        let corpus = planted.problem.corpus as! Matrix
        let documents = corpus.rows, labeled = planted.problem.trainingQrels.judgments.count
        var g = SeededGenerator(seed: seed)
        var y = Matrix(rows: planted.queries.rows, columns: corpus.columns)
        for q in 0..<y.rows {
            let doc = (((q < labeled && q % 8 == 1) ? q - 1 : q) * 37 + 11) % documents
            for j in 0..<y.columns { y[q, j] = corpus[doc, j] + Float(noise * g.normal()) }
        }
        return y.normalizedRows()
    }

    static func hybridProblem(noise: Double) throws -> AdaptProblem {
        let planted = try AdaptSyntheticProblem()
        var problem = planted.problem
        problem.indexQueries = indexQueries(planted, noise: noise)
        return problem
    }

    @Test func resultIsAlwaysHybridAndListsEveryCandidate() throws {
        let problem = try Self.hybridProblem(noise: 0.5)
        let result = try AdaptTrainer.train(problem, settings: AdaptSyntheticProblem.settings(.linear))
        let p = problem.stageOne.sourceDimension, m = problem.stageOne.targetDimension
        #expect(result.objective == .balanced)  // the default with index-model queries
        let hybrid = try #require(result.hybrid)
        #expect(result.map.weight.shape == Shape(m, p + m))
        #expect(try HybridMap(concatenated: result.map, source: p) == hybrid)
        #expect(result.candidates.first?.kind == .indexAsIs && result.reference?.kind == .indexAsIs)
        #expect(result.candidates.contains { $0.kind == .stageOne } && result.candidates.contains { $0.kind == .mix })
        #expect(result.candidates.contains { $0.kind == .trained })
        #expect(result.candidates.allSatisfy { $0.documentDisjointDevNDCG10 != nil && $0.randomDevNDCG10 != nil })
        #expect(!result.randomDevQueries.isEmpty && !result.devQueries.isEmpty)
        // Balanced: the chosen is no worse than the reference on random folds, and within the tolerance on
        // document-disjoint ones.
        let chosen = try #require(result.chosen), reference = try #require(result.reference)
        #expect(chosen.randomDevNDCG10! >= reference.randomDevNDCG10!)
        #expect(
            chosen.documentDisjointDevNDCG10! >= reference.documentDisjointDevNDCG10! - AdaptSelection.balancedTolerance
        )
        #expect(result.selectedDevNDCG10 == chosen.randomDevNDCG10!)
    }

    /// Index-model queries that already rank every relevant document first: nothing can beat the index
    /// as it is, so it is returned as W = 0, V = I, b = 0, whatever the objective.
    @Test(arguments: AdaptSelectionObjective.allCases)
    func fallsBackToTheIndexAsItIs(objective: AdaptSelectionObjective) throws {
        let problem = try Self.hybridProblem(noise: 0)
        var settings = AdaptSyntheticProblem.settings(.linear)
        settings.objective = objective
        settings.maxSteps = 20
        let result = try AdaptTrainer.train(problem, settings: settings)
        #expect(result.returnedReference)
        #expect(result.chosen == result.reference)
        #expect(result.selectedSteps == 0)
        let asIs = HybridMap<Float>.indexAsIs(
            source: problem.stageOne.sourceDimension, target: problem.stageOne.targetDimension)
        #expect(result.hybrid == asIs)
        #expect(
            abs((result.reference?.documentDisjointDevNDCG10 ?? result.reference?.randomDevNDCG10 ?? 0) - 1) < 1e-12)
    }

    /// Without index-model queries the reference is stage one: queries that stage one maps exactly onto
    /// their documents leave nothing to beat, and stage one itself is returned.
    @Test(arguments: AdaptSelectionObjective.allCases)
    func fallsBackToStageOneWithoutIndexQueries(objective: AdaptSelectionObjective) throws {
        let planted = try AdaptSyntheticProblem()
        var problem = planted.problem
        // x = W1^T y_doc, so W1 x = y_doc (W1 has orthonormal rows).
        let onDocuments = Self.indexQueries(planted, noise: 0)
        problem.queries = try Matrix.multiply(onDocuments, problem.stageOne.weight)
        var settings = AdaptSyntheticProblem.settings(.linear)
        settings.objective = objective
        settings.maxSteps = 20
        let result = try AdaptTrainer.train(problem, settings: settings)
        #expect(result.returnedReference)
        #expect(result.reference?.kind == .stageOne)
        #expect(result.map == problem.stageOne)
        #expect(result.hybrid == nil)
    }

    @Test func refusesIndexQueriesOfTheWrongShape() throws {
        let planted = try AdaptSyntheticProblem()
        let y = Self.indexQueries(planted, noise: 0.1)
        var problem = planted.problem
        problem.indexQueries = y.gatherRows(0..<(y.rows - 1))  // one row short: not the same queries
        let settings = AdaptSyntheticProblem.settings(.linear)
        #expect(throws: AlignmentError.self) { try AdaptTrainer.train(problem, settings: settings) }
        do {
            _ = try AdaptTrainer.train(problem, settings: settings)
        } catch {
            guard case .shapeMismatch = error else { Issue.record("expected shapeMismatch, got \(error)"); return }
        }
        problem.indexQueries = planted.queries  // p-wide rows where m-wide ones belong
        #expect(throws: AlignmentError.self) { try AdaptTrainer.train(problem, settings: settings) }
        var bad = settings
        bad.hybridAlpha = 1.5
        problem.indexQueries = y
        #expect(throws: AlignmentError.self) { try AdaptTrainer.train(problem, settings: bad) }
        bad = settings
        bad.penalties = []
        #expect(throws: AlignmentError.self) { try AdaptTrainer.train(problem, settings: bad) }
    }

    /// Every hybrid family trains and keeps its shape; the rotation's V is (1 - a) R with R in SO(m).
    @Test(arguments: [AdaptMapFamily.rotation, .lowRank(rank: 3)])
    func otherFamiliesTrainTheHybrid(family: AdaptMapFamily) throws {
        let problem = try Self.hybridProblem(noise: 0.5)
        var settings = AdaptSyntheticProblem.settings(family)
        settings.objective = .recurring
        settings.folds = 0  // train maxSteps steps: the trained map is returned
        settings.maxSteps = 30
        let result = try AdaptTrainer.train(problem, settings: settings)
        let hybrid = try #require(result.hybrid)
        #expect(result.selectedSteps == 30)
        if case .rotation = family {
            let r = try #require(result.rotation).converted(to: Double.self)
            let gram = try MatrixD.multiply(r, r, transA: .transposed)
            #expect(zip(gram.storage, MatrixD.identity(r.rows).storage).allSatisfy { abs($0 - $1) < 1e-5 })
            #expect(abs(try r.determinant() - 1) < 1e-5)
            let a = settings.hybridAlpha ?? AdaptSettings.defaultHybridAlpha
            let expected = Float(1 - a) * (try #require(result.rotation))
            #expect(zip(hybrid.indexWeight.storage, expected.storage).allSatisfy { abs($0 - $1) < 1e-5 })
        }
    }

    /// Without index-model queries and without an objective: the step selection of before, now also
    /// listed as candidates (stage one = step 0, then every evaluated step), checkpoints without new fields.
    @Test func withoutIndexQueriesTheCandidatesAreTheStepCurve() throws {
        let planted = try AdaptSyntheticProblem()
        let result = try AdaptTrainer.train(planted.problem, settings: AdaptSyntheticProblem.settings(.linear))
        #expect(result.objective == nil && result.hybrid == nil)
        #expect(result.candidates.first?.kind == .stageOne && result.reference?.kind == .stageOne)
        #expect(result.candidates.count == result.checkpoints.count)
        #expect(
            zip(result.candidates, result.checkpoints).allSatisfy {
                $0.steps == $1.step && $0.documentDisjointDevNDCG10 == $1.devNDCG10 && $0.randomDevNDCG10 == nil
            })
        #expect(result.checkpoints.allSatisfy { $0.penalty == nil && $0.randomDevNDCG10 == nil })
        let chosen = try #require(result.chosen)
        #expect(chosen.documentDisjointDevNDCG10 == result.selectedDevNDCG10)
        #expect(chosen.kind == .trained && result.selectedSteps > 0 && !result.returnedReference)
    }

    /// The choice rule on its own: ties go to the reference; balanced skips candidates too far below it
    /// on document-disjoint folds.
    @Test func choiceRule() {
        let reference = AdaptCandidate(kind: .indexAsIs, documentDisjointDevNDCG10: 0.60, randomDevNDCG10: 0.60)
        let memorizer = AdaptCandidate(
            kind: .trained, penalty: 0.03, steps: 300, documentDisjointDevNDCG10: 0.58,
            randomDevNDCG10: 0.80)
        let careful = AdaptCandidate(
            kind: .trained, penalty: 3, steps: 100, documentDisjointDevNDCG10: 0.597,
            randomDevNDCG10: 0.66)
        let general = AdaptCandidate(kind: .mix, alpha: 0.3, documentDisjointDevNDCG10: 0.62, randomDevNDCG10: 0.62)
        let all = [reference, memorizer, careful, general]
        #expect(AdaptSelection.choose(all, reference: 0, objective: .recurring) == 1)
        #expect(AdaptSelection.choose(all, reference: 0, objective: .balanced) == 2)
        #expect(AdaptSelection.choose(all, reference: 0, objective: .newDocuments) == 3)
        // The tolerance is a setting: 0 admits nothing below the reference, so `careful` (0.003 below) goes
        // and `general` is the best on random folds among the rest; 0.03 admits `memorizer` (0.02 below).
        #expect(AdaptSelection.choose(all, reference: 0, objective: .balanced, tolerance: 0) == 3)
        #expect(AdaptSelection.choose(all, reference: 0, objective: .balanced, tolerance: 0.03) == 1)
        #expect(AdaptSelection.choose(all, reference: 0, objective: .recurring, tolerance: 0) == 1)
        // Stage two reads it from its settings (`balanced_tolerance`); unset, 0.005 against the index as
        // it is and 0 against stage one.
        var settings = AdaptSettings()
        #expect(AdaptSelection.choose(all, reference: 0, objective: .balanced, settings: settings) == 2)
        var stageOne = reference
        stageOne.kind = .stageOne
        #expect(
            AdaptSelection.choose([stageOne] + all.dropFirst(), reference: 0, objective: .balanced, settings: settings)
                == 3)
        settings.balancedTolerance = 0.005
        #expect(
            AdaptSelection.choose([stageOne] + all.dropFirst(), reference: 0, objective: .balanced, settings: settings)
                == 2)
        settings.balancedTolerance = 0
        #expect(AdaptSelection.choose(all, reference: 0, objective: .balanced, settings: settings) == 3)
        let tie = AdaptCandidate(kind: .mix, alpha: 0.2, documentDisjointDevNDCG10: 0.60, randomDevNDCG10: 0.60)
        for objective in AdaptSelectionObjective.allCases {
            #expect(AdaptSelection.choose([reference, tie], reference: 0, objective: objective) == 0)
        }
    }
}
