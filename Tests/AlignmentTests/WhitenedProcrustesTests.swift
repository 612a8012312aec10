import Alignment
import Foundation
import LinearAlgebra
import Testing
import _TestSupport

/// Procrustes on partially whitened sources (``Procrustes/fitWhitened(source:target:exponent:centering:measureObjective:blockRows:)``):
/// its limits, its scale, its streaming, and the stage-one setting that uses it.
@Suite struct WhitenedProcrustesTests {
    /// x = z D (D stretches the first directions: the query model's variance where the index has little),
    /// y = z Q^T + noise with Q orthonormal rows: the best linear map is Q D^-1, not orthogonal.
    static func stretchedPair(n: Int = 800, p: Int = 12, m: Int = 12, seed: UInt64 = 61) throws -> (
        x: Matrix, y: Matrix
    ) {
        var g = SeededGenerator(seed: seed)
        let q = try Matrix.randomNormal(rows: m, columns: p, using: &g).converted(to: Double.self).polarFactor()
            .converted(to: Float.self)
        let z = Matrix.randomNormal(rows: n, columns: p, using: &g)
        var x = z
        for i in 0..<n { for j in 0..<p { x[i, j] *= j < 3 ? 6 : 1 } }
        for i in 0..<n { for j in 0..<p { x[i, j] += 2 } }  // an offset, so centring is exercised
        var y = try Matrix.multiply(z, q, transB: .transposed)
        for k in 0..<y.count { y.storage[k] += 0.05 * Float(g.normal()) }
        return (x, y)
    }

    static func meanCosine(_ map: AffineMap<Double>, _ x: Matrix, _ y: Matrix) throws -> Double {
        let mapped = try map.apply(to: x.converted(to: Double.self))
        var total = 0.0
        for i in 0..<x.rows {
            var dot = 0.0, a = 0.0, b = 0.0
            for j in 0..<y.columns {
                let u = mapped[i, j], v = Double(y[i, j])
                dot += u * v
                a += u * u
                b += v * v
            }
            total += dot / (a * b).squareRoot()
        }
        return total / Double(x.rows)
    }

    @Test func exponentZeroIsPlainProcrustes() throws {
        let (x, y) = try StreamingProcrustesTests.pair(n: 301, p: 8, m: 12, seed: 62)
        for centering in Centering.allCases {
            let plain = try Procrustes.fitInMemory(
                source: x, target: y, settings: ProcrustesSettings(centering: centering))
            let whitened = try Procrustes.fitWhitened(
                source: RowSelection(x), target: RowSelection(y), exponent: 0, centering: centering,
                measureObjective: true,
                blockRows: 64)
            // As the streamed plain fit against the in-memory one: float32 gemm per block (StreamingProcrustesTests).
            #expect(Tolerance.maxAbsDifference(whitened.mapD.weight, plain.mapD.weight) < 1e-5)
            let biasGap = zip(whitened.mapD.bias, plain.mapD.bias).map { abs($0 - $1) }.max()!
            #expect(biasGap < 1e-5)
            #expect(whitened.mapD.family == .linear)
            #expect(abs(whitened.objective! - plain.objective) <= 1e-5 * plain.objective)
        }
    }

    /// Full whitening undoes the stretch the orthogonal map must keep: the mapped sources point at their
    /// targets far better; half whitening lies between.
    @Test func whiteningUndoesAStretchedSourceSpectrum() throws {
        let (x, y) = try Self.stretchedPair()
        let rows = RowSelection(x), targets = RowSelection(y)
        let plain = try Self.meanCosine(Procrustes.fitWhitened(source: rows, target: targets, exponent: 0).mapD, x, y)
        let half = try Self.meanCosine(Procrustes.fitWhitened(source: rows, target: targets, exponent: 0.5).mapD, x, y)
        let full = try Self.meanCosine(Procrustes.fitWhitened(source: rows, target: targets, exponent: 1).mapD, x, y)
        #expect(full > 0.99)
        #expect(plain < full - 0.1)
        #expect(half > plain + 0.02 && half < full)
    }

    /// The mapped centred sources keep the sources' root-mean-square length, at any exponent and shape.
    @Test(arguments: [(8, 12), (12, 8)])
    func theScaleKeepsTheSourcesRootMeanSquareLength(p: Int, m: Int) throws {
        let (x, y) = try StreamingProcrustesTests.pair(n: 257, p: p, m: m, seed: 63)
        let mean = x.converted(to: Double.self).columnMeans()
        var centred = x.converted(to: Double.self)
        for i in 0..<centred.rows { for j in 0..<p { centred[i, j] -= mean[j] } }
        for exponent in [0.0, 0.5, 1.0] {
            let map = try Procrustes.fitWhitened(source: RowSelection(x), target: RowSelection(y), exponent: exponent)
                .mapD
            let mapped = try MatrixD.multiply(centred, map.weight, transB: .transposed)
            #expect(abs(mapped.frobeniusNormSquared / centred.frobeniusNormSquared - 1) < 1e-6)
        }
    }

    /// Row blocks of any size give the same map (the source Gram accumulates over shifted blocks).
    @Test func blocksDoNotChangeTheMap() throws {
        let (x, y) = try Self.stretchedPair(n: 301)
        let reference = try Procrustes.fitWhitened(
            source: RowSelection(x), target: RowSelection(y), exponent: 0.5, blockRows: 1024
        ).mapD
        for blockRows in [7, 64] {
            let blocked = try Procrustes.fitWhitened(
                source: RowSelection(x), target: RowSelection(y), exponent: 0.5, blockRows: blockRows
            ).mapD
            #expect(Tolerance.maxAbsDifference(blocked.weight, reference.weight) < 1e-5)
        }
    }

    @Test func refusesBadInput() throws {
        var (x, y) = try Self.stretchedPair(n: 40)
        #expect(throws: AlignmentError.self) {
            try Procrustes.fitWhitened(source: RowSelection(x), target: RowSelection(y), exponent: 1.5)
        }
        x[3, 1] = .nan
        #expect(throws: AlignmentError.nonFinite(what: "Procrustes source")) {
            try Procrustes.fitWhitened(source: RowSelection(x), target: RowSelection(y), exponent: 0.5)
        }
        x[3, 1] = 0
        y[0, 0] = .infinity
        #expect(throws: AlignmentError.nonFinite(what: "Procrustes target")) {
            try Procrustes.fitWhitened(source: RowSelection(x), target: RowSelection(y), exponent: 0.5)
        }
    }

    /// Stage one with `whitening`: the warm start is the whitened fit and the guardrail measures it as a
    /// fifth candidate; without it, nothing is added (the records and the configuration's hash stay).
    @Test func stageOneMeasuresTheWhitenedFitBesideThePlainVariants() throws {
        let (x, y) = try Self.stretchedPair(n: 600)
        var c = AlignmentConfiguration()
        c.epochs = 0
        c.procrustes.whitening = 0
        let plain = try AlignmentTrainer(configuration: c).train(sources: x, targets: y)
        #expect(try #require(plain.log.guardrail).candidates.map(\.name).contains("procrustes-whitened") == false)
        let plainJSON = String(decoding: try JSONEncoder().encode(c.procrustes), as: UTF8.self)
        #expect(!plainJSON.contains("whitening"))
        // A record written before the setting existed reads as plain Procrustes.
        let old = try JSONDecoder().decode(ProcrustesSettings.self, from: Data(plainJSON.utf8))
        #expect(old.whitening == 0)
        let plainHash = c.hash
        c.procrustes.whitening = 1
        #expect(c.hash != plainHash)
        let whitened = try AlignmentTrainer(configuration: c).train(sources: x, targets: y)
        let record = try #require(whitened.log.guardrail)
        #expect(record.candidates.map(\.name).suffix(3).first == "procrustes-whitened")
        // The whitened warm start is what epoch 0 keeps ("refined" here), and it beats every plain variant.
        let refined = record.candidates[0], plainBest = record.candidates[1..<4].map(\.meanRank).min()!
        #expect(refined.meanRank < plainBest)
        #expect(
            try Self.meanCosine(whitened.map.converted(to: Double.self), x, y)
                > Self.meanCosine(plain.map.converted(to: Double.self), x, y) + 0.05)
        let decoded = try JSONDecoder().decode(ProcrustesSettings.self, from: JSONEncoder().encode(c.procrustes))
        #expect(decoded.whitening == 1)
    }

    /// Half whitening is stage one's default (chosen on the SciFact training queries); plain Procrustes
    /// elsewhere (``ProcrustesSettings``' own default, the evaluate stage's procrustes baseline) stays plain.
    @Test func theSettingIsDeclaredWithItsRange() {
        #expect(AlignmentConfiguration().procrustes.whitening == 0.5)
        #expect(AlignmentConfiguration.defaultWhitening == 0.5)
        #expect(ProcrustesSettings().whitening == 0)
        var c = AlignmentConfiguration()
        let setting = AlignmentConfiguration.setting("whitening")
        #expect(setting.assign(&c, 0.5) && c.procrustes.whitening == 0.5)
        #expect(setting.problem(c) == nil)
        c.procrustes.whitening = 1.5
        #expect(setting.problem(c) != nil)
        c.procrustes.whitening = -0.1
        #expect(setting.problem(c) != nil)
    }
}
