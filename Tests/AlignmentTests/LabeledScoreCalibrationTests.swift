import Alignment
import LinearAlgebra
import Testing
import _TestSupport

/// Issue 20 item 6, second option: the score calibration fitted on labeled queries (the index model's
/// own query vectors against each query's mapped top documents), and stage one's carried onto a new map.
@Suite struct LabeledScoreCalibrationTests {
    /// Scores planted to obey own = a * mapped + b exactly on an anisotropic corpus: the fit gives back
    /// a and b, and leaves no difference after calibration.
    @Test(arguments: [(0.8, 0.2), (0.7, 0.3), (1.25, -0.3)])
    func theLabeledFitRecoversAPlantedScaleAndOffset(scale: Double, offset: Double) throws {
        let planted = PlantedScores(
            queries: 40, documents: 300, dimension: 16, scale: scale, offset: offset, lean: 0.9, seed: 7)
        let pairs = try ScorePairs.queries(
            mapped: planted.mapped, reference: planted.reference, corpus: planted.corpus)
        #expect(pairs.queries == 40 && pairs.neighbours == 100 && pairs.mapped.count == 40 * 100)
        let fit = try ScoreCalibration.fit(labeledQueries: pairs)
        #expect(abs(fit.scale - scale) < 1e-4, "a = \(fit.scale), planted \(scale)")
        #expect(abs(fit.offset - offset) < 1e-4, "b = \(fit.offset), planted \(offset)")
        #expect(fit.fittedOn == .labeledQueries && fit.count == 40 && fit.neighbours == 100)
        #expect(fit.medianAbsoluteDifferenceBefore > 0.01)
        #expect(fit.medianAbsoluteDifferenceAfter < 1e-4)
        #expect(fit.carriedThroughQueries == nil)
    }

    /// The pairs are each query's top documents by *mapped* score, not the reference's.
    @Test func thePairsAreTheMappedTopDocuments() throws {
        var g = SeededGenerator(seed: 5)
        let corpus = Matrix.randomNormal(rows: 50, columns: 8, using: &g).normalizedRows()
        let mapped = Matrix.randomNormal(rows: 3, columns: 8, using: &g)
        let reference = Matrix.randomNormal(rows: 3, columns: 8, using: &g)
        let pairs = try ScorePairs.queries(mapped: mapped, reference: reference, corpus: corpus, neighbours: 5)
        let unit = mapped.normalizedRows()
        for q in 0..<3 {
            let scores = (0..<50).map { d in (0..<8).reduce(Float(0)) { $0 + unit[q, $1] * corpus[d, $1] } }
            let best = scores.sorted(by: >).prefix(5).map(Double.init)
            let got = Array(pairs.mapped[(q * 5)..<(q * 5 + 5)])
            #expect(zip(best, got).allSatisfy { abs($0 - $1) < 1e-5 })
        }
    }

    /// Carried onto the very map it was fitted for, a calibration stays what it was; onto a map whose
    /// scores are an affine function of the earlier map's, it absorbs that function.
    @Test func carryingOntoTheSameMapChangesNothing() throws {
        let planted = PlantedScores(
            queries: 30, documents: 200, dimension: 12, scale: 0.8, offset: 0.2, lean: 0.9, seed: 8)
        let earlier = ScoreCalibration(
            scale: 0.6, offset: 0.43, fittedOn: .alignmentTexts, count: 1000, neighbours: 100,
            medianAbsoluteDifferenceBefore: 0.14, medianAbsoluteDifferenceAfter: 0.02)
        let same = try ScorePairs.queries(mapped: planted.mapped, reference: planted.mapped, corpus: planted.corpus)
        let carried = try ScoreCalibration.carried(earlier, through: same)
        #expect(abs(carried.scale - 0.6) < 1e-6 && abs(carried.offset - 0.43) < 1e-6)
        #expect(carried.fittedOn == .alignmentTexts && carried.count == 1000 && carried.carriedThroughQueries == 30)

        // The new map scores s' with s = 0.8 s' + 0.2 for the earlier map: a' = 0.6 * 0.8, b' = 0.6 * 0.2 + 0.43.
        let moved = try ScorePairs.queries(
            mapped: planted.mapped, reference: planted.reference, corpus: planted.corpus)
        let absorbed = try ScoreCalibration.carried(earlier, through: moved)
        #expect(abs(absorbed.scale - 0.48) < 1e-4 && abs(absorbed.offset - 0.55) < 1e-4)
        #expect(absorbed.medianAbsoluteDifferenceAfter < 1e-4)
    }

    /// Mapped scores that do not vary have no scale to fit: refused, with the reason.
    @Test func flatScoresAreRefused() throws {
        let pairs = ScorePairs(mapped: [0.5, 0.5, 0.5], reference: [0.1, 0.4, 0.9], queries: 1, neighbours: 3)
        #expect(throws: AlignmentError.self) { try ScoreCalibration.fit(labeledQueries: pairs) }
    }
}
