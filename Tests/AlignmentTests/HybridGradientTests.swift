import Alignment
import Foundation
import LinearAlgebra
import Testing
import _TestSupport

/// The hybrid map's gradients in Double against central finite differences of a loss computed by an
/// independent path: ``HybridMap/apply(queries:indexQueries:)`` (two gemms, no concatenation) and a
/// masked InfoNCE written out here, not the trainer's kernels.
@Suite struct HybridGradientTests {
    static let (p, m, rows, candidates) = (6, 4, 5, 9)
    static let (tau, alpha) = (0.05, 0.4)

    struct Setup {
        var x: MatrixD, y: MatrixD
        var batch: CandidateBatch<Double>
        var start: HybridMap<Double>
        var f1: AffineMap<Double>
    }

    static func setup(seed: UInt64) throws -> Setup {
        let base = try AdaptGradientTests.batch(rows: rows, p: p, m: m, candidates: candidates, seed: seed)
        var g = SeededGenerator(seed: seed &+ 3)
        let y = Matrix.randomNormal(rows: rows, columns: m, using: &g).converted(to: Double.self).normalizedRows()
        let x = base.sources
        var joined = MatrixD(rows: rows, columns: p + m)
        for i in 0..<rows {
            for j in 0..<p { joined[i, j] = x[i, j] }
            for j in 0..<m { joined[i, p + j] = y[i, j] }
        }
        let batch = try CandidateBatch(
            sources: joined, candidates: base.candidates, positives: base.positives,
            allowed: base.allowed)
        let f1 = try AdaptGradientTests.stageOne(p: p, m: m, seed: seed &+ 5)
        return Setup(x: x, y: y, batch: batch, start: HybridMap.mix(stageOne: f1, alpha: alpha), f1: f1)
    }

    /// -(1/B) sum_i log softmax over the allowed candidates of <normalize(u_i), t_j> / tau at the positive.
    static func infoNCE(_ u: MatrixD, _ batch: CandidateBatch<Double>) -> Double {
        let c = batch.candidates.rows
        var total = 0.0
        for i in 0..<u.rows {
            let norm = u.row(i).reduce(0) { $0 + $1 * $1 }.squareRoot()
            var logits = [Double]()
            var positive = 0.0
            for j in 0..<c where batch.allowed[i * c + j] {
                var dot = 0.0
                for k in 0..<u.columns { dot += u[i, k] * batch.candidates[j, k] }
                logits.append(dot / norm / tau)
                if j == batch.positives[i] { positive = dot / norm / tau }
            }
            let top = logits.max()!
            total += top + log(logits.reduce(0) { $0 + exp($1 - top) }) - positive
        }
        return total / Double(u.rows)
    }

    /// dJ/dV of J = InfoNCE + lambda ||[W V] - start||^2 for the linear hybrid (V is the last m columns
    /// of the trained [W V]), and dJ/dW and dJ/db with it.
    @Test(arguments: [0.0, 0.5])
    func linearHybridGradientIncludingV(penalty: Double) throws {
        let s = try Self.setup(seed: 61)
        var split = SplitMix64(seed: 1)
        var params = try AdaptMapParameters(family: .linear, stageOne: s.start.concatenated, generator: &split)
        var g = SeededGenerator(seed: 62)
        for e in 0..<params.parameters[0].weight.count { params.parameters[0].weight.storage[e] = 0.3 * g.normal() }
        for e in 0..<Self.m { params.parameters[0].bias[e] = 0.1 * g.normal() }
        try params.refresh()
        var objective = AdaptObjective(loss: try AdaptContrastiveLoss<Double>(temperature: Self.tau), penalty: penalty)
        let analytic = try objective.valueAndGradient(parameters: params, batch: s.batch).gradients[0]
        func value(_ probe: AdaptMapParameters<Double>) throws -> Double {
            let hybrid = try HybridMap(concatenated: try probe.effectiveMap(), source: Self.p)
            let u = try hybrid.apply(queries: s.x, indexQueries: s.y)
            var distance = 0.0
            let start = s.start
            for i in 0..<Self.m {
                for j in 0..<Self.p { distance += pow(hybrid.weight[i, j] - start.weight[i, j], 2) }
                for j in 0..<Self.m { distance += pow(hybrid.indexWeight[i, j] - start.indexWeight[i, j], 2) }
            }
            return Self.infoNCE(u, s.batch) + penalty * distance
        }
        let h = 1e-6
        var worstV = 0.0, worstOther = 0.0
        for i in 0..<Self.m {
            for j in 0..<(Self.p + Self.m) {
                var plus = params, minus = params
                plus.parameters[0].weight[i, j] += h
                minus.parameters[0].weight[i, j] -= h
                try plus.refresh()
                try minus.refresh()
                let numeric = (try value(plus) - value(minus)) / (2 * h), exact = analytic.weight[i, j]
                let error = abs(numeric - exact) / max(abs(numeric), abs(exact), 1e-6)
                if j >= Self.p { worstV = max(worstV, error) } else { worstOther = max(worstOther, error) }
            }
            var plus = params, minus = params
            plus.parameters[0].bias[i] += h
            minus.parameters[0].bias[i] -= h
            try plus.refresh()
            try minus.refresh()
            let numeric = (try value(plus) - value(minus)) / (2 * h)
            worstOther = max(
                worstOther, abs(numeric - analytic.bias[i]) / max(abs(numeric), abs(analytic.bias[i]), 1e-6))
        }
        #expect(worstV < 1e-6)
        #expect(worstOther < 1e-6)
        // dL/dV = g^T y is not trivially zero here.
        #expect(
            (Self.p..<(Self.p + Self.m)).contains { j in (0..<Self.m).contains { abs(analytic.weight[$0, j]) > 1e-3 } })
    }

    /// The hybrid rotation f = R (a f1(x) + (1 - a) y), R = (I + A)^{-1} (I - A): dJ/dA along the skew
    /// directions E_ij - E_ji, against f computed here from R and the mix.
    @Test func hybridRotationGradient() throws {
        let s = try Self.setup(seed: 71)
        var split = SplitMix64(seed: 1)
        var params = try AdaptMapParameters(family: .rotation, stageOne: s.start.concatenated, generator: &split)
        var g = SeededGenerator(seed: 72)
        var a = MatrixD(rows: Self.m, columns: Self.m)
        for i in 0..<Self.m { for j in (i + 1)..<Self.m { a[i, j] = 0.3 * g.normal(); a[j, i] = -a[i, j] } }
        params.parameters[0].weight = a
        try params.refresh()
        var objective = AdaptObjective(loss: try AdaptContrastiveLoss<Double>(temperature: Self.tau), penalty: 0)
        let analytic = try objective.valueAndGradient(parameters: params, batch: s.batch).gradients[0]
        let mixed = try s.start.apply(queries: s.x, indexQueries: s.y)  // a f1(x) + (1 - a) y
        func value(_ a: MatrixD) throws -> Double {
            let identity = MatrixD.identity(Self.m)
            let r = try MatrixD.multiply(try (identity + a).inverse(), identity - a)
            return Self.infoNCE(try MatrixD.multiply(mixed, r, transB: .transposed), s.batch)
        }
        let h = 1e-6
        var worst = 0.0
        for i in 0..<Self.m {
            for j in (i + 1)..<Self.m {
                var plus = a, minus = a
                plus[i, j] += h; plus[j, i] -= h
                minus[i, j] -= h; minus[j, i] += h
                let numeric = (try value(plus) - value(minus)) / (2 * h)
                let exact = analytic.weight[i, j] - analytic.weight[j, i]
                worst = max(worst, abs(numeric - exact) / max(abs(numeric), abs(exact), 1e-6))
            }
        }
        #expect(worst < 1e-6)
        // And the trained map is R times the mix: W = R a W1, V = (1 - a) R, b = R a b1.
        let hybrid = try HybridMap(concatenated: try params.effectiveMap(), source: Self.p)
        let r = try #require(params.rotation)
        let expectedV = (1 - Self.alpha) * r
        #expect(zip(hybrid.indexWeight.storage, expectedV.storage).allSatisfy { abs($0 - $1) < 1e-12 })
    }
}
