import Alignment
import Foundation
import LinearAlgebra
import Testing

@Suite struct OptimizerTests {
    private func smallMap() throws -> AffineMap<Double> {
        try AffineMap(weight: MatrixD([[0.5, -1.0], [2.0, 0.25]]), bias: [0.1, -0.2])
    }

    /// Two Adam steps worked by hand with the PyTorch formula.
    @Test func adamMatchesHandWorkedSteps() throws {
        var map = try smallMap()
        var adam = try AdamOptimizer<Double>(settings: .adam(learningRate: 0.1), for: map)
        var g = MapGradient<Double>(like: map)
        g.weight = MatrixD([[1.0, -2.0], [0.5, 0.0]])
        g.bias = [3.0, -0.1]
        try adam.step(&map, gradient: g)
        // Step 1: m = 0.1 g, v = 0.001 g^2; m_hat = g, v_hat = g^2: p -= lr g / (|g| + eps).
        let eps = 1e-8
        let expected1 = [0.5 - 0.1 * 1 / (1 + eps), -1.0 + 0.1 * 2 / (2 + eps), 2.0 - 0.1 * 0.5 / (0.5 + eps), 0.25]
        for (a, b) in zip(map.weight.storage, expected1) { #expect(abs(a - b) < 1e-12) }
        #expect(abs(map.bias[0] - (0.1 - 0.1 * 3 / (3 + eps))) < 1e-12)
        // Step 2 with gradient h: m = 0.09 g + 0.1 h, v = 0.000999 g^2 + 0.001 h^2.
        var h = g
        h.weight = MatrixD([[-1.0, 1.0], [0.5, 2.0]])
        try adam.step(&map, gradient: h)
        let m = 0.9 * 0.1 * 1.0 + 0.1 * -1.0, v = 0.999 * 0.001 * 1.0 + 0.001 * 1.0
        let step = 0.1 * (m / (1 - 0.81)) / ((v / (1 - 0.999 * 0.999)).squareRoot() + eps)
        #expect(abs(map.weight[0, 0] - (expected1[0] - step)) < 1e-12)
        #expect(adam.stepCount == 2)
    }

    /// AdamW shrinks the parameters by (1 - lr * wd) before the Adam update; Adam's L2 adds wd p to g.
    @Test func weightDecayVariants() throws {
        let start = try smallMap()
        var g = MapGradient<Double>(like: start)
        g.weight = MatrixD([[1.0, 1.0], [1.0, 1.0]])
        g.bias = [1.0, 1.0]
        var decoupled = start
        var adamW = try AdamOptimizer<Double>(settings: .adamW(learningRate: 0.01, weightDecay: 0.5), for: start)
        try adamW.step(&decoupled, gradient: g)
        #expect(abs(decoupled.weight[1, 0] - (2.0 * (1 - 0.005) - 0.01 / (1 + 1e-8))) < 1e-12)
        var coupled = start
        var adam = try AdamOptimizer<Double>(
            settings: AdamSettings(learningRate: 0.01, weightDecay: 0.5), for: start)
        try adam.step(&coupled, gradient: g)
        // g' = 1 + 0.5 * 2 = 2 > 0: the first step still moves by lr * sign(g').
        #expect(abs(coupled.weight[1, 0] - (2.0 - 0.01 * 2 / (2 + 1e-8))) < 1e-12)
    }

    @Test func rejectsBadSettingsAndNonFiniteGradients() throws {
        let map = try smallMap()
        #expect(throws: AlignmentError.self) { try AdamOptimizer<Double>(settings: .adam(learningRate: 0), for: map) }
        #expect(throws: AlignmentError.self) {
            try AdamOptimizer<Double>(settings: AdamSettings(beta2: 1), for: map)
        }
        var adam = try AdamOptimizer<Double>(settings: .adam(), for: map)
        var g = MapGradient<Double>(like: map)
        g.bias[1] = .nan
        var moved = map
        #expect(throws: AlignmentError.nonFinite(what: "gradient")) { try adam.step(&moved, gradient: g) }
        #expect(moved == map)
    }

    /// Adam on MSE recovers a planted affine map (float32, the training precision).
    @Test func adamFitsPlantedMapWithMSE() throws {
        var rng = SplitMix64(seed: 3)
        let p = 6, m = 4, n = 64
        let truth = AffineMap<Float>.random(source: p, target: m, using: &rng)
        let x = Matrix(rows: n, columns: p, storage: (0..<(n * p)).map { _ in Float(rng.nextNormal()) })
        let y = try truth.apply(to: x)
        let batch = try PairBatch(sources: x, targets: y)
        var map = AffineMap<Float>.identity(source: p, target: m)
        var adam = try AdamOptimizer<Float>(settings: .adam(learningRate: 0.05), for: map)
        var loss = MSELoss<Float>()
        var gradient = MapGradient(like: map)
        for _ in 0..<600 {
            _ = try loss.valueAndGradient(map: map, batch: batch, into: &gradient)
            try adam.step(&map, gradient: gradient)
        }
        #expect(try loss.value(map: map, batch: batch) < 1e-4)
    }
}
