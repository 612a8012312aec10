import LinearAlgebra
import Testing

@Suite struct SVDTests {
    static let shapes = [(9, 4), (4, 9), (6, 6), (1, 5), (5, 1)]

    func checkThinSVD<T: BLASScalar>(_: T.Type, rows: Int, columns: Int) throws {
        let a = DenseMatrix<T>.random(rows: rows, columns: columns, seed: UInt64(rows * 31 + columns))
        let d = try a.svd()
        let r = min(rows, columns)
        #expect(d.u.shape == Shape(rows, r))
        #expect(d.vt.shape == Shape(r, columns))
        #expect(d.singularValues.count == r)
        #expect(zip(d.singularValues, d.singularValues.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(d.singularValues.allSatisfy { $0 >= 0 })
        let tol = Check.tolerance(T.self)
        #expect(Check.maxAbsDifference(d.reconstructed(), a) < tol)
        #expect(try Check.columnOrthonormalityError(d.u) < tol)  // U^T U = I
        #expect(try Check.rowOrthonormalityError(d.vt) < tol)  // V^T V = I
    }

    @Test(arguments: shapes) func thinSVDFloat(shape: (Int, Int)) throws {
        try checkThinSVD(Float.self, rows: shape.0, columns: shape.1)
    }

    @Test(arguments: shapes) func thinSVDDouble(shape: (Int, Int)) throws {
        try checkThinSVD(Double.self, rows: shape.0, columns: shape.1)
    }

    @Test func singularValuesOfDiagonalAreSortedAbsoluteValues() throws {
        let a = MatrixD([[3, 0, 0], [0, -5, 0], [0, 0, 1], [0, 0, 0]])
        let d = try a.svd()
        #expect(d.singularValues.count == 3)
        for (s, e) in zip(d.singularValues, [5.0, 3, 1]) { #expect(abs(s - e) < 1e-12) }
        #expect(Check.maxAbsDifference(d.reconstructed(), a) < 1e-12)
        let f = try Matrix([[0, 2], [0.5, 0]]).singularValues()
        #expect(abs(f[0] - 2) < 1e-6 && abs(f[1] - 0.5) < 1e-6)
    }

    @Test func polarFactorIsOrthonormal() throws {
        let tall = Matrix.random(rows: 8, columns: 3, seed: 5)
        #expect(try Check.columnOrthonormalityError(tall.polarFactor()) < 1e-5)
        let wide = MatrixD.random(rows: 3, columns: 8, seed: 6)
        #expect(try Check.rowOrthonormalityError(wide.polarFactor()) < 1e-12)
    }

    /// Y = X R for a planted orthogonal R: Procrustes argmin ||X W - Y|| = polar(X^T Y) recovers R.
    @Test func polarFactorSolvesPlantedProcrustes() throws {
        let x = Matrix.random(rows: 200, columns: 6, seed: 7)
        let rotation = try Matrix.randomOrthogonal(6, seed: 8)
        let y = try Matrix.multiply(x, rotation)
        let w = try Matrix.multiply(x, y, transA: .transposed).polarFactor()
        #expect(Check.maxAbsDifference(w, rotation) < 1e-4)
        // Also with noise the answer stays near R and no other orthogonal matrix fits better.
        var noisy = y
        try noisy.add(Matrix.random(rows: 200, columns: 6, seed: 9), scaledBy: 0.05)
        let wNoisy = try Matrix.multiply(x, noisy, transA: .transposed).polarFactor()
        #expect(Check.maxAbsDifference(wNoisy, rotation) < 0.05)
        let fit = (try Matrix.multiply(x, wNoisy) - noisy).frobeniusNorm
        let plantedFit = (try Matrix.multiply(x, rotation) - noisy).frobeniusNorm
        #expect(fit <= plantedFit * (1 + 1e-5))
    }
}
