import Foundation
import LinearAlgebra
import Testing

@Suite struct SolveTests {
    func checkSolve<T: BLASScalar>(_: T.Type) throws {
        let a = DenseMatrix<T>.random(rows: 6, columns: 6, seed: 21)
        let b = DenseMatrix<T>.random(rows: 6, columns: 3, seed: 22)
        let x = try a.solve(b)
        let residual = try DenseMatrix.multiply(a, x) - b
        #expect(Double(residual.frobeniusNorm) < Check.tolerance(T.self, float: 1e-4))
        let inv = try a.inverse()
        #expect(Check.maxAbsDifference(try DenseMatrix.multiply(a, inv), .identity(6)) < Check.tolerance(T.self))
        let v = try a.solve(b.transposed.row(0))
        for i in 0..<6 { #expect(Double(abs(v[i] - x[i, 0])) < Check.tolerance(T.self)) }
    }

    @Test func solveAndInverseFloat() throws { try checkSolve(Float.self) }
    @Test func solveAndInverseDouble() throws { try checkSolve(Double.self) }

    @Test func singularSystemThrows() {
        let singular = Matrix([[1, 2], [2, 4]])
        #expect(throws: LinearAlgebraError.lapackFailure(routine: "sgesv", info: 2)) {
            _ = try singular.solve(Matrix([[1], [1]]))
        }
        #expect(throws: LinearAlgebraError.lapackFailure(routine: "dgetrf", info: 2)) {
            _ = try MatrixD([[1, 2], [2, 4]]).inverse()
        }
    }

    @Test func shapeAndFinitenessAreChecked() {
        #expect(throws: LinearAlgebraError.self) {
            _ = try Matrix(rows: 2, columns: 3).solve(Matrix(rows: 2, columns: 1))
        }
        #expect(throws: LinearAlgebraError.shapeMismatch(operation: "solve", left: Shape(2, 2), right: Shape(3, 1))) {
            _ = try Matrix.identity(2).solve(Matrix(rows: 3, columns: 1))
        }
        #expect(throws: LinearAlgebraError.nonFinite(operation: "solve")) {
            _ = try Matrix.identity(2).solve(Matrix([[1], [.nan]]))
        }
    }

    @Test func determinantsOfKnownMatrices() throws {
        #expect(abs(try MatrixD([[1, 2], [3, 4]]).determinant() + 2) < 1e-12)
        #expect(try MatrixD([[0, 1], [1, 0]]).determinant() == -1)  // one swap
        #expect(try MatrixD([[0, 1, 0], [0, 0, 1], [1, 0, 0]]).determinant() == 1)  // 3-cycle
        #expect(try MatrixD([[1, 2], [2, 4]]).determinant() == 0)  // singular: 0, not a throw
        #expect(abs(try MatrixD([[2, 0, 0], [0, -3, 0], [0, 0, 0.5]]).determinant() + 3) < 1e-12)
        #expect(try MatrixD(rows: 0, columns: 0).determinant() == 1)
        let t = 0.7, c = Float(cos(t)), s = Float(sin(t))
        let rotation = Matrix([[c, -s, 0], [s, c, 0], [0, 0, 1]])
        #expect(abs(try rotation.determinant() - 1) < 1e-6)
        let reflected = try MatrixD.randomOrthogonal(5, seed: 30)
        #expect(abs(abs(try reflected.determinant()) - 1) < 1e-12)
        #expect(throws: LinearAlgebraError.self) { _ = try Matrix(rows: 2, columns: 3).determinant() }
    }
}
