import Alignment
import Foundation
import LinearAlgebra
import Testing
import _TestSupport

/// The warm start scaled about the sources' mean (``AffineMap/scaled(by:about:)``), which the guardrail
/// measures beside it (``ProcrustesSettings/guardrailScales``).
@Suite struct ScaledWarmStartTests {
    /// f_s(c) = f(c) and f_s(x) - f_s(c) = s (f(x) - f(c)), for any affine map and center.
    @Test func scalingKeepsTheCenterAndScalesWhatIsAroundIt() throws {
        var g = SeededGenerator(seed: 91)
        let map = try AffineMap<Float>(
            weight: Matrix.randomNormal(rows: 5, columns: 7, using: &g),
            bias: (0..<5).map { _ in Float(g.normal()) })
        let center = (0..<7).map { _ in Float(g.normal()) }
        let x = Matrix.randomNormal(rows: 9, columns: 7, using: &g)
        let c = Matrix(rows: 1, columns: 7, storage: center)
        for s: Float in [0.5, 0.71, 1, 1.41, 3] {
            let scaled = map.scaled(by: s, about: center)
            #expect(Tolerance.isClose(try scaled.apply(to: c), try map.apply(to: c), 1e-5))
            let fc = try map.apply(to: c), fx = try map.apply(to: x), sx = try scaled.apply(to: x)
            var expected = fx
            for i in 0..<x.rows {
                for j in 0..<5 { expected[i, j] = fc[0, j] + s * (fx[i, j] - fc[0, j]) }
            }
            #expect(Tolerance.isClose(sx, expected, 1e-4))
        }
        #expect(map.scaled(by: 1, about: center).weight == map.weight)
    }

    /// Every target leans on c alike (a = 2.5): the shared direction tells the texts apart by nothing,
    /// and the fit's centred part (the sources' length) is about three times the targets'. Scaled down,
    /// the map ranks the held-out targets better: the guardrail keeps the warm start scaled by 0.71,
    /// ranks 1.41 worst of the three, and returns the whitened fit on every pair scaled by 0.71 about
    /// every source's mean.
    @Test func theGuardrailScalesDownWhereTheFitOverweighsWhatIsParticular() throws {
        let (x, y) = try GuardrailTests.anisotropicPairs(n: 800, seed: 93, noise: 0.5)
        var c = AlignmentConfiguration()
        c.epochs = 0
        #expect(c.procrustes.guardrailScales == [0.71, 1.41])
        let result = try AlignmentTrainer(configuration: c).train(sources: x, targets: y)
        let record = try #require(result.log.guardrail)
        #expect(
            record.candidates.map(\.name) == [
                "refined", "procrustes-uncentred", "procrustes-centred", "procrustes-centred-bias",
                "procrustes-whitened", "procrustes-whitened-scaled-0.71", "procrustes-whitened-scaled-1.41",
            ])
        let rank = Dictionary(uniqueKeysWithValues: record.candidates.map { ($0.name, $0.meanRank) })
        #expect(record.chosen == "procrustes-whitened-scaled-0.71")
        #expect(rank["procrustes-whitened-scaled-0.71"]! < rank["procrustes-whitened"]!)
        #expect(rank["procrustes-whitened"]! < rank["procrustes-whitened-scaled-1.41"]!)
        #expect(record.refittedOnAllPairs == true)
        let refit = try Procrustes.fitWhitened(
            source: RowSelection(x), target: RowSelection(y.normalizedRows()), exponent: 0.5
        ).map.scaled(by: 0.71, about: x.columnMeans())
        #expect(Tolerance.isClose(result.map.weight, refit.weight, 1e-5))
        #expect(zip(result.map.bias, refit.bias).allSatisfy { abs($0 - $1) <= 1e-5 })

        // Without scales (and for the orthogonal family, which would undo them) nothing is added.
        c.procrustes.guardrailScales = []
        let unscaled = try AlignmentTrainer(configuration: c).train(sources: x, targets: y)
        #expect(try #require(unscaled.log.guardrail).candidates.count == 5)
        c.procrustes.guardrailScales = [0.71]
        c.family = .orthogonal
        let orthogonal = try AlignmentTrainer(configuration: c).train(sources: x, targets: y)
        #expect(try #require(orthogonal.log.guardrail).candidates.count == 5)
    }

    /// Targets that lean on c by very different amounts (a from 0.5 to 4), with as much noise as
    /// signal: the targets' mean then pulls every query toward the texts that lean most, and the map
    /// ranks the held-out targets better scaled up. The guardrail keeps the warm start scaled by 1.41.
    @Test func theGuardrailScalesUpWhereTheMeanPullsTowardTheTextsThatLeanMost() throws {
        let (x, y) = try GuardrailTests.anisotropicPairs(n: 800, seed: 94, lean: 0.5...4)
        var c = AlignmentConfiguration()
        c.epochs = 0
        let record = try #require(try AlignmentTrainer(configuration: c).train(sources: x, targets: y).log.guardrail)
        let rank = Dictionary(uniqueKeysWithValues: record.candidates.map { ($0.name, $0.meanRank) })
        #expect(record.chosen == "procrustes-whitened-scaled-1.41")
        #expect(rank["procrustes-whitened-scaled-1.41"]! < rank["procrustes-whitened"]!)
        #expect(rank["procrustes-whitened"]! < rank["procrustes-whitened-scaled-0.71"]!)
    }

    /// Declared with its range; records without the key (written before it existed) read as no scales,
    /// and no scales are not written, so such records and their hashes stay as they were.
    @Test func theSettingIsDeclaredAndOldRecordsReadAsNoScales() throws {
        #expect(AlignmentConfiguration.defaultGuardrailScales == [0.71, 1.41])
        #expect(ProcrustesSettings().guardrailScales.isEmpty)
        let setting = AlignmentConfiguration.setting("guardrail_scales")
        var c = AlignmentConfiguration()
        #expect(setting.assign(&c, [2.0]) && c.procrustes.guardrailScales == [2])
        #expect(setting.problem(c) == nil)
        // 1e39 is finite in Double and infinite in Float: it crashed the scaling before the bound.
        for bad: [Double] in [[0], [-1], [.nan], [.infinity], [1e39], [101]] {
            c.procrustes.guardrailScales = bad
            #expect(setting.problem(c) != nil)
            #expect(throws: AlignmentError.self) { try AlignmentTrainer(configuration: c) }
        }
        let plain = String(decoding: try JSONEncoder().encode(ProcrustesSettings()), as: UTF8.self)
        #expect(!plain.contains("guardrailScales"))
        #expect(try JSONDecoder().decode(ProcrustesSettings.self, from: Data(plain.utf8)).guardrailScales.isEmpty)
        let scaled = try JSONEncoder().encode(AlignmentConfiguration().procrustes)
        #expect(try JSONDecoder().decode(ProcrustesSettings.self, from: scaled).guardrailScales == [0.71, 1.41])
    }
}
