import Alignment
import LinearAlgebra
import Testing
import _TestSupport

/// The affine score calibration fitted on the alignment texts.
@Suite struct ScoreCalibrationTests {
    /// Unit targets and sources that are the same vectors: the identity map scores exactly as the index
    /// model does, so the calibration is the identity and leaves no difference.
    @Test func theIdentityNeedsNoCalibration() throws {
        var g = SeededGenerator(seed: 91)
        let y = Matrix.randomNormal(rows: 300, columns: 12, using: &g).normalizedRows()
        let fit = try ScoreCalibration.fit(
            map: .identity(source: 12, target: 12), sources: RowSelection(y), targets: RowSelection(y), seed: 0,
            neighbours: 20)
        #expect(abs(fit.scale - 1) < 1e-6 && abs(fit.offset) < 1e-6)
        #expect(fit.medianAbsoluteDifferenceBefore < 1e-6 && fit.medianAbsoluteDifferenceAfter < 1e-6)
        #expect(fit.count == 300 && fit.fittedOn == .alignmentTexts && fit.neighbours == 20)
    }

    /// An anisotropic index (every target leans on one shared direction) and a map that drops that
    /// direction: the mapped scores sit lower and closer together than the index model's. The fitted
    /// a s + b stretches and lifts them (a > 1, b > 0) and leaves a far smaller median difference.
    @Test func liftsCompressedScoresOntoTheIndexModelsScale() throws {
        var g = SeededGenerator(seed: 92)
        let (n, m) = (400, 16)
        var c = Matrix.randomNormal(rows: 1, columns: m, using: &g)
        c.normalizeRows()
        let x = Matrix.randomNormal(rows: n, columns: m, using: &g).normalizedRows()
        var y = x
        for i in 0..<n { for j in 0..<m { y[i, j] += 2 * c[0, j] } }
        y.normalizeRows()
        // The identity map sends x (no shared direction) where y's variation is, but not along c.
        let fit = try ScoreCalibration.fit(
            map: .identity(source: m, target: m), sources: RowSelection(x), targets: RowSelection(y), seed: 0)
        #expect(fit.scale > 0)
        #expect(fit.offset > 0.3)
        #expect(fit.medianAbsoluteDifferenceBefore > 0.3)
        #expect(fit.medianAbsoluteDifferenceAfter < 0.25 * fit.medianAbsoluteDifferenceBefore)
        #expect(fit.apply(0) == fit.offset)
    }

    /// Stage one records the calibration of the map it returns.
    @Test func theTrainerRecordsIt() throws {
        let (x, y) = try GuardrailTests.anisotropicPairs(n: 300)
        var c = AlignmentConfiguration()
        c.epochs = 1
        let result = try AlignmentTrainer(configuration: c).train(sources: x, targets: y)
        let fit = try #require(result.log.scoreCalibration)
        #expect(fit.scale > 0 && fit.medianAbsoluteDifferenceAfter <= fit.medianAbsoluteDifferenceBefore)
    }
}
