import Alignment
import Foundation
import LinearAlgebra
import Testing
import _TestSupport

/// A planted pair of "models": targets are a noisy orthogonal image of the sources.
func plantedPairs(n: Int, p: Int, m: Int, noise: Float = 0.2, seed: UInt64) throws -> (x: Matrix, y: Matrix) {
    var g = SeededGenerator(seed: seed)
    let truth = try Matrix.randomNormal(rows: m, columns: p, using: &g).converted(to: Double.self).polarFactor()
        .converted(to: Float.self)
    var x = Matrix.randomNormal(rows: n, columns: p, using: &g)
    x.normalizeRows()
    var y = try Matrix.multiply(x, truth, transB: .transposed)
    for k in 0..<y.count { y.storage[k] += noise * Float(g.normal()) / Float(m).squareRoot() }
    y.normalizeRows()
    return (x, y)
}

@Suite struct TrainerTests {
    static func small() -> AlignmentConfiguration {
        var c = AlignmentConfiguration()
        c.epochs = 4
        c.batchSize = 32
        return c
    }

    @Test func defaultsAreDocumented() {
        let c = AlignmentConfiguration()
        #expect(c.loss == .infonce && c.temperature == 0.05 && c.negatives == .auto && !c.symmetric)
        #expect(c.warmStart == .procrustes && c.procrustes.centering == .mean)
        #expect(c.heldOutFraction == 0.1 && c.batchSize == 256)
    }

    @Test func sameSeedSameAdapter() throws {
        let (x, y) = try plantedPairs(n: 300, p: 24, m: 16, seed: 31)
        let trainer = try AlignmentTrainer(configuration: Self.small())
        let a = try trainer.train(sources: x, targets: y)
        let b = try trainer.train(sources: x, targets: y)
        let difference =
            zip(a.map.weight.storage + a.map.bias, b.map.weight.storage + b.map.bias)
            .map { abs($0 - $1) }.max() ?? 1
        #expect(difference <= 1e-6)
        var other = Self.small()
        other.seed = 7
        let c = try AlignmentTrainer(configuration: other).train(sources: x, targets: y)
        #expect(c.map != a.map)  // the seed matters (split and shuffles)
    }

    @Test(arguments: AlignmentConfiguration.Loss.allCases)
    func everyLossImprovesOnAnIdentityStart(loss: AlignmentConfiguration.Loss) throws {
        let (x, y) = try plantedPairs(n: 400, p: 20, m: 12, seed: 32)
        var c = Self.small()
        c.loss = loss
        c.warmStart = .identity
        c.epochs = 30
        c.learningRate = 0.01
        c.patience = 0
        let result = try AlignmentTrainer(configuration: c).train(sources: x, targets: y)
        let before = try #require(result.log.warmStartHeldOut)
        let after = try #require(result.log.heldOut)
        #expect(after.meanCosine > before.meanCosine + 0.2)
        #expect(after.top1Accuracy > 0.9)
        #expect(result.log.epochs.count == 30)
    }

    @Test func procrustesWarmStartIsAlreadyGoodAndLogIsComplete() throws {
        let (x, y) = try plantedPairs(n: 400, p: 24, m: 16, seed: 33)
        var events = 0
        let result = try AlignmentTrainer(configuration: Self.small()).train(sources: x, targets: y) { _ in events += 1
        }
        let log = result.log
        #expect(log.heldOutPairs == 40 && log.trainingPairs == 360)
        #expect(try #require(log.warmStartHeldOut).top1Accuracy > 0.95)
        #expect(log.warmStart.objective! <= log.warmStart.thinObjective! * (1 + 1e-9))
        #expect(log.selectedEpoch >= 0 && log.selectedEpoch <= log.epochs.count)
        #expect(events > log.epochs.count)
        let json = try JSONEncoder().encode(log)
        #expect(try JSONDecoder().decode(TrainingLog.self, from: json) == log)
    }

    @Test func earlyStoppingKeepsTheBestEpoch() throws {
        let (x, y) = try plantedPairs(n: 300, p: 16, m: 16, noise: 0.6, seed: 34)
        var c = Self.small()
        c.learningRate = 0.5  // far too large: held-out loss gets worse
        c.epochs = 20
        c.patience = 2
        let result = try AlignmentTrainer(configuration: c).train(sources: x, targets: y)
        let log = result.log
        #expect(log.stoppedEarly)
        #expect(log.epochs.count < 20)
        let chosen = log.selectedEpoch == 0 ? log.warmStartHeldOutLoss! : log.epochs[log.selectedEpoch - 1].heldOutLoss!
        for epoch in log.epochs { #expect(chosen <= epoch.heldOutLoss!) }
    }

    @Test func orthogonalFamilyStaysOrthonormal() throws {
        let (x, y) = try plantedPairs(n: 200, p: 20, m: 8, seed: 35)
        var c = Self.small()
        c.family = .orthogonal
        let map = try AlignmentTrainer(configuration: c).train(sources: x, targets: y).map
        let gram = try Matrix.multiply(map.weight, map.weight, transB: .transposed)
        let error = zip(gram.storage, Matrix.identity(8).storage).map { abs($0 - $1) }.max()!
        #expect(error < 1e-5)
        #expect(map.family == .orthogonal)
    }

    @Test func globalNegativesAndSymmetricTrain() throws {
        let (x, y) = try plantedPairs(n: 200, p: 16, m: 8, seed: 36)
        var c = Self.small()
        c.negatives = .all
        c.symmetric = true
        let result = try AlignmentTrainer(configuration: c).train(sources: x, targets: y)
        #expect(result.log.epochs.allSatisfy { $0.trainLoss.isFinite })
    }

    @Test func rejectsBadInputsAndSettings() throws {
        let (x, y) = try plantedPairs(n: 20, p: 6, m: 4, seed: 37)
        var bad = AlignmentConfiguration()
        bad.temperature = 0
        #expect(throws: AlignmentError.self) { try AlignmentTrainer(configuration: bad) }
        bad = AlignmentConfiguration()
        bad.heldOutFraction = 1
        #expect(throws: AlignmentError.self) { try AlignmentTrainer(configuration: bad) }
        var nan = x
        nan[3, 2] = .nan
        #expect(throws: AlignmentError.nonFinite(what: "alignment sources")) {
            try AlignmentTrainer().train(sources: nan, targets: y)
        }
        #expect(throws: AlignmentError.self) {
            try AlignmentTrainer().train(sources: x, targets: y.gatherRows(0..<10))
        }
    }

    @Test func configurationDecodesPartialJSONWithDefaults() throws {
        let json = Data(#"{"epochs": 9, "loss": "cosine", "negatives": "all"}"#.utf8)
        let c = try JSONDecoder().decode(AlignmentConfiguration.self, from: json)
        var expected = AlignmentConfiguration()
        expected.epochs = 9
        expected.loss = .cosine
        expected.negatives = .all
        #expect(c == expected)
        #expect(c.hash == expected.hash && c.hash != AlignmentConfiguration().hash)
    }
}
