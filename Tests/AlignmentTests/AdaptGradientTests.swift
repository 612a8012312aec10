import Alignment
import LinearAlgebra
import Testing
import _TestSupport

/// Stage two's objective (masked InfoNCE + penalty) and every family's pullback against central
/// finite differences in Double.
@Suite struct AdaptGradientTests {
    /// A random candidate batch: `rows` queries (p), `candidates` unit documents (m), row i's positive
    /// at a scattered candidate, and a mask that removes some other candidates from some rows.
    static func batch(rows: Int, p: Int, m: Int, candidates c: Int, seed: UInt64) throws -> CandidateBatch<Double> {
        var g = SeededGenerator(seed: seed)
        let x = Matrix.randomNormal(rows: rows, columns: p, using: &g).converted(to: Double.self)
        var t = Matrix.randomNormal(rows: c, columns: m, using: &g).converted(to: Double.self)
        t.normalizeRows()
        let positives = (0..<rows).map { ($0 * 5 + 2) % c }
        var allowed = [Bool](repeating: true, count: rows * c)
        for i in 0..<rows {
            for j in 0..<c where j != positives[i] && (i + 2 * j) % 3 == 0 { allowed[i * c + j] = false }
        }
        return try CandidateBatch(sources: x, candidates: t, positives: positives, allowed: allowed)
    }

    static func stageOne(p: Int, m: Int, seed: UInt64) throws -> AffineMap<Double> {
        var g = SeededGenerator(seed: seed)
        let w = Matrix.randomNormal(rows: m, columns: p, using: &g).converted(to: Double.self)
        return try AffineMap(weight: w * (1 / Double(p).squareRoot()), bias: (0..<m).map { _ in 0.3 * g.normal() })
    }

    /// Parameters moved away from zero (so every term of the gradient is exercised); the rotation's
    /// A is kept skew by construction.
    static func parameters(_ family: AdaptMapFamily, stageOne: AffineMap<Double>, seed: UInt64) throws
        -> AdaptMapParameters<Double>
    {
        var split = SplitMix64(seed: seed)
        var params = try AdaptMapParameters(family: family, stageOne: stageOne, generator: &split)
        var g = SeededGenerator(seed: seed &+ 1)
        for k in params.parameters.indices {
            for e in 0..<params.parameters[k].weight.count {
                params.parameters[k].weight.storage[e] += 0.2 * g.normal()
            }
            for e in 0..<params.parameters[k].bias.count { params.parameters[k].bias[e] += 0.1 * g.normal() }
        }
        if case .rotation = family {
            var a = params.parameters[0].weight
            let n = a.rows
            for i in 0..<n {
                a[i, i] = 0
                for j in (i + 1)..<max(i + 1, n) { a[j, i] = -a[i, j] }
            }
            params.parameters[0].weight = a
            params.parameters[0].bias = [Double](repeating: 0, count: n)
        }
        try params.refresh()
        return params
    }

    /// Largest relative error of the objective's parameter gradient against central differences.
    /// For the rotation, A is perturbed along E_ij - E_ji (staying skew): the derivative is
    /// gA_ij - gA_ji; the unused bias of A is not a coordinate.
    static func worstError(family: AdaptMapFamily, penalty: Double, seed: UInt64) throws -> Double {
        let (p, m) = (6, 5)
        let batch = try batch(rows: 5, p: p, m: m, candidates: 9, seed: seed)
        let f1 = try stageOne(p: p, m: m, seed: seed &+ 7)
        let params = try parameters(family, stageOne: f1, seed: seed &+ 11)
        var objective = AdaptObjective(loss: try AdaptContrastiveLoss<Double>(temperature: 0.05), penalty: penalty)
        let analytic = try objective.valueAndGradient(parameters: params, batch: batch).gradients
        let h = 1e-6
        var worst = 0.0
        func value(_ change: (inout AdaptMapParameters<Double>) -> Void) throws -> Double {
            var probe = params
            change(&probe)
            try probe.refresh()
            return try objective.value(parameters: probe, batch: batch)
        }
        func compare(_ numeric: Double, _ exact: Double) {
            worst = max(worst, abs(numeric - exact) / max(abs(numeric), abs(exact), 1e-6))
        }
        for k in params.parameters.indices {
            let weight = params.parameters[k].weight
            for i in 0..<weight.rows {
                for j in 0..<weight.columns {
                    if case .rotation = family {
                        guard j > i else { continue }
                        let plus = try value {
                            $0.parameters[k].weight[i, j] += h; $0.parameters[k].weight[j, i] -= h
                        }
                        let minus = try value {
                            $0.parameters[k].weight[i, j] -= h; $0.parameters[k].weight[j, i] += h
                        }
                        compare((plus - minus) / (2 * h), analytic[k].weight[i, j] - analytic[k].weight[j, i])
                    } else {
                        let plus = try value { $0.parameters[k].weight[i, j] += h }
                        let minus = try value { $0.parameters[k].weight[i, j] -= h }
                        compare((plus - minus) / (2 * h), analytic[k].weight[i, j])
                    }
                }
            }
            if case .rotation = family { continue }
            for e in 0..<params.parameters[k].bias.count {
                let plus = try value { $0.parameters[k].bias[e] += h }
                let minus = try value { $0.parameters[k].bias[e] -= h }
                compare((plus - minus) / (2 * h), analytic[k].bias[e])
            }
        }
        return worst
    }

    @Test func maskedInfoNCEAgainstFiniteDifferences() throws {
        let batch = try Self.batch(rows: 5, p: 6, m: 5, candidates: 9, seed: 21)
        let map = try Self.stageOne(p: 6, m: 5, seed: 22)
        var loss = try AdaptContrastiveLoss<Double>(temperature: 0.05)
        var gradient = MapGradient(like: map)
        _ = try loss.valueAndGradient(map: map, batch: batch, into: &gradient)
        var worst = 0.0
        let h = 1e-6
        var probe = map
        for k in 0..<map.weight.count {
            let old = probe.weight.storage[k]
            probe.weight.storage[k] = old + h
            let plus = try loss.value(map: probe, batch: batch)
            probe.weight.storage[k] = old - h
            let minus = try loss.value(map: probe, batch: batch)
            probe.weight.storage[k] = old
            let numeric = (plus - minus) / (2 * h), exact = gradient.weight.storage[k]
            worst = max(worst, abs(numeric - exact) / max(abs(numeric), abs(exact), 1e-6))
        }
        for k in 0..<map.bias.count {
            let old = probe.bias[k]
            probe.bias[k] = old + h
            let plus = try loss.value(map: probe, batch: batch)
            probe.bias[k] = old - h
            let minus = try loss.value(map: probe, batch: batch)
            probe.bias[k] = old
            let numeric = (plus - minus) / (2 * h), exact = gradient.bias[k]
            worst = max(worst, abs(numeric - exact) / max(abs(numeric), abs(exact), 1e-6))
        }
        #expect(worst < 1e-6)
    }

    @Test(arguments: [AdaptMapFamily.linear, .rotation, .lowRank(rank: 2)], [0.0, 0.7])
    func objectiveThroughEveryFamily(family: AdaptMapFamily, penalty: Double) throws {
        #expect(try Self.worstError(family: family, penalty: penalty, seed: 31) < 1e-6)
    }

    /// A masked-out candidate must not change the loss, however it scores.
    @Test func maskedCandidatesDoNotCount() throws {
        var batch = try Self.batch(rows: 4, p: 6, m: 5, candidates: 8, seed: 41)
        let c = batch.candidates.rows
        let blocked = try #require((0..<c).first { !batch.positives.contains($0) })
        for i in 0..<batch.count { batch.allowed[i * c + blocked] = false }
        let map = try Self.stageOne(p: 6, m: 5, seed: 42)
        var loss = try AdaptContrastiveLoss<Double>(temperature: 0.05)
        let before = try loss.value(map: map, batch: batch)
        for e in 0..<5 { batch.candidates[blocked, e] = -batch.candidates[blocked, e] }
        #expect(abs(try loss.value(map: map, batch: batch) - before) < 1e-12)
    }

    /// The Cayley transform of a skew matrix is a rotation, and the pullback's gradient is skew.
    @Test func cayleyGivesRotations() throws {
        let f1 = try Self.stageOne(p: 6, m: 5, seed: 51)
        let params = try Self.parameters(.rotation, stageOne: f1, seed: 52)
        let r = try #require(params.rotation)
        let gram = try MatrixD.multiply(r, r, transA: .transposed)
        var worst = 0.0
        for i in 0..<5 { for j in 0..<5 { worst = max(worst, abs(gram[i, j] - (i == j ? 1 : 0))) } }
        #expect(worst < 1e-12)
        #expect(abs(try r.determinant() - 1) < 1e-12)
        let expected = try MatrixD.multiply(r, f1.weight)
        #expect(zip(try params.effectiveMap().weight.storage, expected.storage).allSatisfy { abs($0 - $1) < 1e-12 })
    }
}
