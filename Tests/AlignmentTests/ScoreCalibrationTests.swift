import LinearAlgebra
import Testing
import _TestSupport

@testable import Alignment

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

    /// The nearest targets are the first k of a stable sort by descending score (ties to the lower
    /// column, the text's own target left out), as the full sort they replace gave them: the fitted
    /// calibration sums the scores in that order.
    @Test(arguments: [0, 1, 7, 50, 64]) func bestColumnsAreTheStableSortsPrefix(k: Int) {
        var g = SeededGenerator(seed: UInt64(100 + k))
        // Scores on a coarse grid, so that many tie.
        let row = (0..<64).map { _ in Float(Int.random(in: 0..<9, using: &g)) / 8 }
        for excluded in [nil, 0, 13, 63] as [Int?] {
            var order = Array(0..<row.count).filter { $0 != excluded }
            order.sort { row[$0] > row[$1] }
            let best = row.withUnsafeBufferPointer {
                ScoreCalibration.bestColumns($0.baseAddress!, count: row.count, excluding: excluded, k: k)
            }
            #expect(best == Array(order.prefix(k)), "k \(k), excluding \(String(describing: excluded))")
        }
    }

    /// The median by selection is the median of the sorted values, odd and even counts, many repeats.
    @Test func theMedianBySelectionIsTheSortedMedian() {
        var g = SeededGenerator(seed: 7)
        for count in [1, 2, 3, 10, 11, 257, 1000] {
            for levels in [2, 50, 1_000_000] {
                let values = (0..<count).map { _ in Double(Int.random(in: 0..<levels, using: &g)) / 7 }
                let sorted = values.sorted(), mid = count / 2
                let expected = count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
                #expect(median(values) == expected, "count \(count), levels \(levels)")
            }
        }
        #expect(median([]) == 0)
    }
}
