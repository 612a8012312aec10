import Foundation
import LinearAlgebra
import Testing
import _TestSupport

@testable import Alignment

/// Stage one at scale (issue 13): training on row selections of the inputs instead of copies, the
/// pooled negatives, one streamed pass for every Procrustes variant, the bounded guardrail.
@Suite struct ScaleTrainingTests {
    /// In-batch InfoNCE with a drawn pool after the batch's own targets: the gradient against central
    /// differences in Double.
    @Test(arguments: [false, true])
    func pooledInfoNCEGradient(symmetric: Bool) throws {
        var problem = try ToyProblem(rows: 5, p: 6, m: 4, extraTargets: 0, seed: 41)
        var g = SeededGenerator(seed: 42)
        var pool = Matrix.randomNormal(rows: 7, columns: 4, using: &g)
        pool.normalizeRows()
        problem.batch.extraNegatives = pool.converted(to: Double.self)
        var loss = try InfoNCELoss<Double>(temperature: 0.05, symmetric: symmetric)
        #expect(try worstRelativeGradientError(&loss, map: problem.map, batch: problem.batch) < 1e-6)
        // The pool changes the loss: its candidates compete.
        var without = problem.batch
        without.extraNegatives = MatrixD(rows: 0, columns: 0)
        #expect(try loss.value(map: problem.map, batch: without) < loss.value(map: problem.map, batch: problem.batch))
    }

    /// The held-out measure's forward-only value equals the value of the full pass, pool or not.
    @Test func forwardValueEqualsTheFullPass() throws {
        var problem = try ToyProblem(rows: 6, p: 7, m: 5, seed: 49)
        for pool in [0, 4] {
            var g = SeededGenerator(seed: 50)
            var extra = Matrix.randomNormal(rows: pool, columns: 5, using: &g)
            extra.normalizeRows()
            problem.batch.extraNegatives = pool == 0 ? MatrixD(rows: 0, columns: 0) : extra.converted(to: Double.self)
            var loss = try InfoNCELoss<Double>(temperature: 0.05)
            let full = try loss.valueAndGradient(map: problem.map, batch: problem.batch).value
            #expect(try loss.forwardValue(map: problem.map, batch: problem.batch) == full)
            // And the gradient path still runs after a forward-only call.
            #expect(try loss.valueAndGradient(map: problem.map, batch: problem.batch).gradient.isFinite)
        }
    }

    /// Training on selections of shuffled tables gives the map training on the gathered copies gives.
    @Test(arguments: [AlignmentConfiguration.Negatives.all, .pooled, .inBatch])
    func selectionsTrainLikeCopies(negatives: AlignmentConfiguration.Negatives) throws {
        let (x, y) = try plantedPairs(n: 400, p: 24, m: 12, seed: 43)
        // The tables hold the pairs at scattered rows, among rows that are not pairs at all.
        let n = x.rows, extra = 57
        var order = Array(0..<(n + extra))
        var g = SeededGenerator(seed: 44)
        order.shuffle(using: &g)
        var sourceTable = Matrix.randomNormal(rows: n + extra, columns: 24, using: &g)
        var targetTable = Matrix.randomNormal(rows: n + extra, columns: 12, using: &g)
        for i in 0..<n {
            for j in 0..<24 { sourceTable[order[i], j] = x[i, j] }
            for j in 0..<12 { targetTable[order[i], j] = 3 * y[i, j] }  // not unit: the trainer normalizes
        }
        var c = TrainerTests.small()
        c.negatives = negatives
        c.negativePool = 50
        let trainer = try AlignmentTrainer(configuration: c)
        let rows = Array(order[0..<n])
        let viaSelection = try trainer.train(
            sources: RowSelection(sourceTable, rows: rows), targets: RowSelection(targetTable, rows: rows))
        let viaCopies = try trainer.train(sources: sourceTable.gatherRows(rows), targets: targetTable.gatherRows(rows))
        #expect(Tolerance.maxAbsDifference(viaSelection.map.weight, viaCopies.map.weight) <= 1e-6)
        #expect(viaSelection.log.negatives == negatives)
        #expect(viaSelection.log.guardrail?.chosen == viaCopies.log.guardrail?.chosen)
    }

    /// `auto` uses every target up to the limit and a pool above it; the log says which.
    @Test func autoNegativesSwitchAtTheLimit() {
        let c = AlignmentConfiguration()
        #expect(c.negatives == .auto)
        #expect(c.effectiveNegatives(trainingPairs: AlignmentConfiguration.allNegativesLimit) == .all)
        #expect(c.effectiveNegatives(trainingPairs: AlignmentConfiguration.allNegativesLimit + 1) == .pooled)
        var explicit = c
        explicit.negatives = .inBatch
        #expect(explicit.effectiveNegatives(trainingPairs: 10) == .inBatch)
    }

    /// Pooled negatives train: the held-out top-1 rises above the warm start's on a planted pair.
    @Test func pooledNegativesLearn() throws {
        let (x, y) = try plantedPairs(n: 600, p: 20, m: 12, noise: 0.5, seed: 45)
        var c = TrainerTests.small()
        c.negatives = .pooled
        c.negativePool = 100
        c.warmStart = .identity
        c.epochs = 20
        c.learningRate = 0.01
        c.patience = 0
        c.guardrail = false
        let result = try AlignmentTrainer(configuration: c).train(sources: x, targets: y)
        let before = try #require(result.log.warmStartHeldOut), after = try #require(result.log.heldOut)
        #expect(after.top1Accuracy > before.top1Accuracy + 0.2)
    }

    /// One streamed pass gives the centred and the uncentred fits, each equal to its own pass and to
    /// the in-memory Double reference (the uncentred one recovered from the shifted sums).
    @Test func oneStreamedPassGivesBothCenterings() throws {
        let (x, y) = try StreamingProcrustesTests.pair(n: 301, p: 24, m: 8, seed: 46)
        let both = try Procrustes.fitStreaming(
            source: RowSelection(x), target: RowSelection(y), centerings: [.none, .mean], measureObjective: true,
            blockRows: 64)
        for centering in Centering.allCases {
            let reference = try Procrustes.fitInMemory(
                source: x, target: y, settings: ProcrustesSettings(centering: centering))
            let fit = try #require(both[centering])
            #expect(Tolerance.maxAbsDifference(fit.mapD.weight, reference.mapD.weight) < 1e-5)
            let objective = try #require(fit.objective)
            #expect(abs(objective - reference.objective) <= 1e-5 * reference.objective)
        }
        let unmeasured = try Procrustes.fitStreaming(
            source: RowSelection(x), target: RowSelection(y), centerings: [.mean], measureObjective: false)
        #expect(unmeasured[.mean]?.objective == nil && unmeasured[.none] == nil)
    }

    /// Selected rows stream like the gathered rows.
    @Test func streamedFitOnASelectionEqualsTheCopy() throws {
        let (x, y) = try StreamingProcrustesTests.pair(n: 200, p: 16, m: 8, seed: 47)
        let rows = (0..<120).map { ($0 * 37 + 5) % 200 }
        let selected = try Procrustes.fitStreaming(
            source: RowSelection(x, rows: rows), target: RowSelection(y, rows: rows), centerings: [.mean],
            measureObjective: true, blockRows: 50)[.mean]!
        let copied = try Procrustes.fitStreaming(
            source: x.gatherRows(rows), target: y.gatherRows(rows), centering: .mean, blockRows: 50)
        #expect(Tolerance.maxAbsDifference(selected.mapD.weight, copied.mapD.weight) == 0)
        #expect(selected.objective == copied.objective)
    }
}
