import Alignment
import Foundation
import LinearAlgebra
import Testing
import _TestSupport

/// The streamed warm start (row blocks, float32 gemm into Double sums) against the in-memory Double
/// reference: the same map and objective to 1e-5 (issue 13).
@Suite struct StreamingProcrustesTests {
    /// A planted noisy pair whose rows share a large common offset, so centring matters and the
    /// shifted accumulation is exercised (the plain X^T Y - n xbar ybar^T would cancel).
    static func pair(n: Int, p: Int, m: Int, seed: UInt64) throws -> (x: Matrix, y: Matrix) {
        let problem = try ProcrustesTests.planted(n: n, p: p, m: m, noise: 0.1, seed: seed)
        var x = problem.x, y = problem.y
        for i in 0..<n {
            for j in 0..<p { x[i, j] += 3 + Float(j % 3) }
            for j in 0..<m { y[i, j] -= 2 }
        }
        return (x, y)
    }

    @Test(arguments: [(24, 8), (8, 24)])
    func streamedEqualsInMemory(p: Int, m: Int) throws {
        let (x, y) = try Self.pair(n: 301, p: p, m: m, seed: 31)
        for centering in Centering.allCases {
            let reference = try Procrustes.fitInMemory(
                source: x, target: y, settings: ProcrustesSettings(centering: centering))
            // 301 rows in blocks of 64: several full blocks and a short last one.
            for blockRows in [64, 1024] {
                let streamed = try Procrustes.fitStreaming(
                    source: x, target: y, centering: centering, blockRows: blockRows)
                #expect(Tolerance.maxAbsDifference(streamed.mapD.weight, reference.mapD.weight) < 1e-5)
                let biasGap = zip(streamed.mapD.bias, reference.mapD.bias).map { abs($0 - $1) }.max()!
                #expect(biasGap < 1e-5)
                #expect(abs(streamed.objective - reference.objective) <= 1e-5 * reference.objective)
                #expect(streamed.thinObjective == streamed.objective)
            }
            // fit() streams whenever there is nothing to refine.
            let dispatched = try Procrustes.fit(
                source: x, target: y, settings: ProcrustesSettings(centering: centering))
            #expect(Tolerance.maxAbsDifference(dispatched.mapD.weight, reference.mapD.weight) < 1e-5)
        }
    }

    @Test func streamedRefusesNonFiniteRows() throws {
        var (x, y) = try Self.pair(n: 40, p: 6, m: 4, seed: 32)
        x[39, 2] = .nan
        #expect(throws: AlignmentError.nonFinite(what: "Procrustes source")) {
            try Procrustes.fitStreaming(source: x, target: y, blockRows: 16)
        }
        x[39, 2] = 0
        y[0, 0] = .infinity
        #expect(throws: AlignmentError.nonFinite(what: "Procrustes target")) {
            try Procrustes.fitStreaming(source: x, target: y, blockRows: 16)
        }
    }
}
