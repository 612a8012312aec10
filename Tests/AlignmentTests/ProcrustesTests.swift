import Alignment
import Foundation
import LinearAlgebra
import Testing
import _TestSupport

/// Planted problems for the Procrustes warm start.
@Suite struct ProcrustesTests {
    /// An `m x p` matrix with orthonormal rows (p >= m) or columns (p < m).
    static func randomOrthonormal(m: Int, p: Int, using g: inout SeededGenerator) throws -> MatrixD {
        try Matrix.randomNormal(rows: m, columns: p, using: &g).converted(to: Double.self).polarFactor()
    }

    static func planted(n: Int, p: Int, m: Int, noise: Double, seed: UInt64)
        throws -> (x: Matrix, y: Matrix, truth: MatrixD)
    {
        var g = SeededGenerator(seed: seed)
        let truth = try randomOrthonormal(m: m, p: p, using: &g)
        let x = Matrix.randomNormal(rows: n, columns: p, using: &g)
        var y = try MatrixD.multiply(x.converted(to: Double.self), truth, transB: .transposed)
        for k in 0..<y.count { y.storage[k] += noise * g.normal() }
        return (x, y.converted(to: Float.self), truth)
    }

    static func maxAbsDifference(_ a: MatrixD, _ b: MatrixD) -> Double {
        Tolerance.maxAbsDifference(a, b)
    }

    @Test(arguments: [(12, 12), (6, 10)])
    func recoversPlantedMapWhenPAtMostM(p: Int, m: Int) throws {
        let problem = try Self.planted(n: 200, p: p, m: m, noise: 0, seed: 21)
        for centering in Centering.allCases {
            let fit = try Procrustes.fit(
                source: problem.x, target: problem.y,
                settings: ProcrustesSettings(centering: centering))
            #expect(Self.maxAbsDifference(fit.mapD.weight, problem.truth) < 1e-5)
            #expect(fit.iterations == 0)  // exact already: no refinement
            #expect(fit.objective < 1e-8 * Double(problem.y.count))
            #expect(fit.map.family == .orthogonal)
        }
    }

    @Test func recoversPlantedMapWhenPAboveMWithNoise() throws {
        let (p, m) = (16, 6)
        let problem = try Self.planted(n: 400, p: p, m: m, noise: 0.05, seed: 22)
        var errors: [ProcrustesSettings.Refinement: Double] = [:]
        for refinement in ProcrustesSettings.Refinement.allCases {
            let fit = try Procrustes.fit(
                source: problem.x, target: problem.y,
                settings: ProcrustesSettings(centering: .none, refinement: refinement))
            let w = fit.mapD.weight
            let gram = try MatrixD.multiply(w, w, transB: .transposed)
            #expect(Self.maxAbsDifference(gram, .identity(m)) < 1e-10)  // orthonormal rows
            #expect(fit.objective <= fit.thinObjective * (1 + 1e-12))
            if refinement != .none { #expect(fit.iterations > 0 && fit.objective < fit.thinObjective) }
            errors[refinement] = (w - problem.truth).frobeniusNorm
        }
        // The thin solution is only exact for whitened sources; the refinement recovers the plant.
        #expect(errors[.majorization]! < 0.05)
        #expect(errors[.accelerated]! < 0.05)
        #expect(errors[.none]! > 2 * errors[.majorization]!)
    }

    /// The refinement never rises above the thin solution, and pure majorization falls step by step.
    @Test func majorizationIsMonotone() throws {
        // Anisotropic, unwhitened sources: the thin solution is far from optimal here.
        var g = SeededGenerator(seed: 23)
        let (n, p, m) = (120, 9, 4)
        var x = Matrix.randomNormal(rows: n, columns: p, using: &g)
        for i in 0..<n { for j in 0..<p { x[i, j] *= Float(1 + 2 * j) } }
        let y = Matrix.randomNormal(rows: n, columns: m, using: &g)
        var previous = Double.infinity
        var thin = 0.0
        for steps in 0...6 {
            let fit = try Procrustes.fit(
                source: x, target: y,
                settings: ProcrustesSettings(
                    centering: .none, refinement: .majorization, tolerance: 0, maxIterations: steps))
            thin = fit.thinObjective
            #expect(fit.objective <= previous * (1 + 1e-12))
            previous = fit.objective
        }
        #expect(previous < thin * 0.999)
        let accelerated = try Procrustes.fit(
            source: x, target: y,
            settings: ProcrustesSettings(
                centering: .none, refinement: .accelerated))
        #expect(accelerated.objective <= previous * (1 + 1e-9))
    }

    /// A source model whose vectors share one large common direction (anisotropy) and an
    /// isotropic index model: raw Procrustes sends the common direction into every mapped
    /// query and retrieval collapses; the default (centering + bias) stays sound.
    @Test func centeringKeepsAnisotropicPairSound() throws {
        var g = SeededGenerator(seed: 24)
        let (n, p, m) = (600, 24, 24)
        let truth = try Self.randomOrthonormal(m: m, p: p, using: &g).converted(to: Float.self)
        let latent = Matrix.randomNormal(rows: n, columns: p, using: &g)
        let common = (0..<p).map { _ in Float(g.normal()) }
        var x = latent
        for i in 0..<n { for j in 0..<p { x[i, j] = 0.25 * latent[i, j] + common[j] } }
        x.normalizeRows()  // pairwise cosines ~0.9: strongly anisotropic
        var y = try Matrix.multiply(latent, truth, transB: .transposed)
        for k in 0..<y.count { y.storage[k] += Float(0.3 * g.normal()) }
        y.normalizeRows()
        let train = Array(0..<400), held = Array(400..<n)
        func heldOutTop1(_ centering: Centering) throws -> Double {
            let fit = try Procrustes.fit(
                source: x.gatherRows(train), target: y.gatherRows(train),
                settings: ProcrustesSettings(centering: centering))
            let report = try HeldOutReport.measure(
                map: fit.map, sources: x.gatherRows(held),
                targets: y.gatherRows(held))
            return report.top1Accuracy
        }
        let centered = try heldOutTop1(.mean)
        let raw = try heldOutTop1(.none)
        #expect(centered > 0.8)
        #expect(raw < 0.2)
        #expect(ProcrustesSettings().centering == .mean && ProcrustesSettings().refinement == .none)
    }

    @Test func rejectsBadInputs() throws {
        let x = Matrix(rows: 3, columns: 2, repeating: 1), y = Matrix(rows: 4, columns: 2, repeating: 1)
        #expect(throws: AlignmentError.self) { try Procrustes.fit(source: x, target: y) }
        #expect(throws: AlignmentError.empty(what: "Procrustes input")) {
            try Procrustes.fit(source: Matrix(rows: 0, columns: 2), target: Matrix(rows: 0, columns: 2))
        }
        var bad = x
        bad[1, 1] = .nan
        #expect(throws: AlignmentError.nonFinite(what: "Procrustes source")) {
            try Procrustes.fit(source: bad, target: x)
        }
    }
}
