import Alignment
import LinearAlgebra
import _TestSupport

/// A small random problem in Double: sources `B x p`, unit targets `B x m`, a random map.
struct ToyProblem {
    var map: AffineMap<Double>
    var batch: PairBatch<Double>
    var allTargets: MatrixD

    init(rows: Int, p: Int, m: Int, extraTargets: Int = 0, seed: UInt64) throws {
        var g = SeededGenerator(seed: seed)
        let x = Matrix.randomNormal(rows: rows, columns: p, using: &g).converted(to: Double.self)
        var all = Matrix.randomNormal(rows: rows + extraTargets, columns: m, using: &g).converted(to: Double.self)
        for i in 0..<all.rows {
            let norm = all.row(i).reduce(0) { $0 + $1 * $1 }.squareRoot()
            for j in 0..<m { all[i, j] /= norm }
        }
        // Pairs sit at scattered rows of the candidate set, so positives are not the first B.
        let indices = (0..<rows).map { ($0 * 7 + 3) % all.rows }
        let y = all.gatherRows(indices)
        let w = Matrix.randomNormal(rows: m, columns: p, using: &g).converted(to: Double.self)
        let b = (0..<m).map { _ in 0.3 * g.normal() }
        map = try AffineMap(weight: (1 / Double(p).squareRoot()) * w, bias: b)
        batch = try PairBatch(sources: x, targets: y, targetIndices: Array(indices))
        allTargets = all
    }
}

/// Largest |numeric - analytic| / max(|numeric|, |analytic|, floor) over every parameter, with
/// central differences of step `h`.
func worstRelativeGradientError<L: AlignmentLoss>(
    _ loss: inout L, map: AffineMap<Double>, batch: PairBatch<Double>, h: Double = 1e-6, floor: Double = 1e-6
) throws -> Double where L.Scalar == Double {
    let analytic = try loss.valueAndGradient(map: map, batch: batch).gradient
    var worst = 0.0
    func compare(_ numeric: Double, _ exact: Double) {
        worst = max(worst, abs(numeric - exact) / max(abs(numeric), abs(exact), floor))
    }
    var probe = map
    for k in 0..<map.weight.count {
        let old = probe.weight.storage[k]
        probe.weight.storage[k] = old + h
        let plus = try loss.value(map: probe, batch: batch)
        probe.weight.storage[k] = old - h
        let minus = try loss.value(map: probe, batch: batch)
        probe.weight.storage[k] = old
        compare((plus - minus) / (2 * h), analytic.weight.storage[k])
    }
    for k in 0..<map.bias.count {
        let old = probe.bias[k]
        probe.bias[k] = old + h
        let plus = try loss.value(map: probe, batch: batch)
        probe.bias[k] = old - h
        let minus = try loss.value(map: probe, batch: batch)
        probe.bias[k] = old
        compare((plus - minus) / (2 * h), analytic.bias[k])
    }
    return worst
}
