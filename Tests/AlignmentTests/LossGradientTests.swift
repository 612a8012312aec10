import Alignment
import LinearAlgebra
import Testing
import _TestSupport

/// Every hand-written gradient against central finite differences in Double.
@Suite struct LossGradientTests {
    @Test(arguments: [(6, 7, 5), (5, 3, 8), (4, 6, 6)])
    func infoNCEInBatch(rows: Int, p: Int, m: Int) throws {
        let problem = try ToyProblem(rows: rows, p: p, m: m, seed: 11)
        var loss = try InfoNCELoss<Double>(temperature: 0.05)
        let error = try worstRelativeGradientError(&loss, map: problem.map, batch: problem.batch)
        #expect(error < 1e-6)
    }

    @Test func infoNCESymmetric() throws {
        let problem = try ToyProblem(rows: 6, p: 7, m: 5, seed: 12)
        var loss = try InfoNCELoss<Double>(temperature: 0.1, symmetric: true)
        #expect(try worstRelativeGradientError(&loss, map: problem.map, batch: problem.batch) < 1e-6)
    }

    @Test(arguments: [false, true])
    func infoNCEAllTargets(symmetric: Bool) throws {
        let problem = try ToyProblem(rows: 5, p: 6, m: 4, extraTargets: 9, seed: 13)
        var loss = try InfoNCELoss<Double>(
            temperature: 0.05, negatives: .allTargets(problem.allTargets),
            symmetric: symmetric)
        #expect(try worstRelativeGradientError(&loss, map: problem.map, batch: problem.batch) < 1e-6)
    }

    @Test func cosine() throws {
        let problem = try ToyProblem(rows: 6, p: 7, m: 5, seed: 14)
        var loss = CosineLoss<Double>()
        #expect(try worstRelativeGradientError(&loss, map: problem.map, batch: problem.batch) < 1e-6)
    }

    @Test func mse() throws {
        let problem = try ToyProblem(rows: 6, p: 7, m: 5, seed: 15)
        var loss = MSELoss<Double>()
        #expect(try worstRelativeGradientError(&loss, map: problem.map, batch: problem.batch) < 1e-6)
    }
}
