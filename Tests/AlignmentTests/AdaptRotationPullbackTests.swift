import Alignment
import LinearAlgebra
import Testing
import _TestSupport

/// The rotation's factored pullback (dL/dR = dU^T F, rank <= B, pulled back in O(B m^2)) against the
/// full one (two m x m x m products). The objective's finite-difference check in Double
/// (AdaptGradientTests, rotation with penalty 0) runs through the factored path.
@Suite struct AdaptRotationPullbackTests {
    @Test func factoredPullbackEqualsTheFullOne() throws {
        let f1 = try AdaptGradientTests.stageOne(p: 7, m: 6, seed: 61)
        let params = try AdaptGradientTests.parameters(.rotation, stageOne: f1, seed: 62)
        var g = SeededGenerator(seed: 63)
        let b = 4
        let du = Matrix.randomNormal(rows: b, columns: 6, using: &g).converted(to: Double.self)
        let f = Matrix.randomNormal(rows: b, columns: 6, using: &g).converted(to: Double.self)
        var full = MapGradient<Double>(source: 6, target: 6)
        full.weight = try MatrixD.multiply(du, f, transA: .transposed)  // dL/dR = dU^T F
        let expected = try params.pullback(full)[0].weight
        let factored = try params.pullback(outputGradient: du, inputs: f)[0].weight
        let worst = zip(expected.storage, factored.storage).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst < 1e-12)
        // Skew, as a gradient within skew matrices must be.
        for i in 0..<6 { for j in 0..<6 { #expect(abs(factored[i, j] + factored[j, i]) < 1e-14) } }
    }

    /// The objective takes the factored path only without the penalty; with it, the full one: both
    /// give the same gradient as computing the loss's dL/dR in full and pulling it back.
    @Test(arguments: [0.0, 0.5])
    func objectiveMatchesTheFullPullback(penalty: Double) throws {
        let f1 = try AdaptGradientTests.stageOne(p: 6, m: 5, seed: 71)
        let params = try AdaptGradientTests.parameters(.rotation, stageOne: f1, seed: 72)
        let batch = try AdaptGradientTests.batch(rows: 4, p: 6, m: 5, candidates: 7, seed: 73)
        var objective = AdaptObjective(loss: try AdaptContrastiveLoss<Double>(temperature: 0.05), penalty: penalty)
        let (_, gradients) = try objective.valueAndGradient(parameters: params, batch: batch)
        var inputs = batch
        inputs.sources = try params.lossInputs(batch.sources)
        var loss = try AdaptContrastiveLoss<Double>(temperature: 0.05)
        var g = MapGradient(like: params.lossMap)
        _ = try loss.valueAndGradient(map: params.lossMap, batch: inputs, into: &g)
        _ = try params.addPenalty(penalty, to: &g)
        let expected = try params.pullback(g)[0].weight
        let worst = zip(expected.storage, gradients[0].weight.storage).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst < 1e-10)
    }
}
