import LinearAlgebra
import Testing

@Suite struct EigenTests {
    func checkEigen<T: BLASScalar>(_: T.Type) throws {
        let b = DenseMatrix<T>.random(rows: 7, columns: 7, seed: 11)
        let a = b + b.transposed
        let e = try a.symmetricEigen()
        #expect(zip(e.eigenvalues, e.eigenvalues.dropFirst()).allSatisfy { $0 <= $1 })
        let tol = Check.tolerance(T.self, float: 1e-4)
        #expect(try Check.rowOrthonormalityError(e.eigenvectors) < tol)
        // A v = lambda v for every eigenpair, v = row i.
        let av = try DenseMatrix.multiply(a, e.eigenvectors, transB: .transposed)  // column i = A v_i
        for i in 0..<7 {
            for j in 0..<7 {
                #expect(Double(abs(av[j, i] - e.eigenvalues[i] * e.eigenvectors[i, j])) < tol * 10)
            }
        }
        #expect(Double(abs(try a.largestSymmetricEigenvalue() - e.eigenvalues.last!)) < tol)
        let valuesOnly = try a.symmetricEigenvalues()
        for (x, y) in zip(valuesOnly, e.eigenvalues) { #expect(Double(abs(x - y)) < tol) }
    }

    @Test func eigenpairsFloat() throws { try checkEigen(Float.self) }
    @Test func eigenpairsDouble() throws { try checkEigen(Double.self) }

    @Test func knownEigenvalues() throws {
        let e = try MatrixD([[2, 1], [1, 2]]).symmetricEigen()
        #expect(abs(e.eigenvalues[0] - 1) < 1e-12 && abs(e.eigenvalues[1] - 3) < 1e-12)
        let s = 0.5.squareRoot()
        #expect(abs(abs(e.eigenvectors[1, 0]) - s) < 1e-12 && abs(e.eigenvectors[1, 0] - e.eigenvectors[1, 1]) < 1e-12)
    }

    @Test func onlyLowerTriangleIsRead() throws {
        let symmetric = MatrixD([[4, 1, 2], [1, 3, 0], [2, 0, 5]])
        var garbage = symmetric
        garbage[0, 1] = 100; garbage[0, 2] = -7; garbage[1, 2] = 42
        #expect(try garbage.symmetricEigenvalues() == symmetric.symmetricEigenvalues())
    }

    @Test func rejectsNonSquareAndNonFinite() {
        #expect(
            throws: LinearAlgebraError.shapeMismatch(operation: "symmetricEigen", left: Shape(2, 3), right: Shape(2, 3))
        ) {
            _ = try Matrix(rows: 2, columns: 3).symmetricEigen()
        }
        #expect(throws: LinearAlgebraError.nonFinite(operation: "symmetricEigen")) {
            _ = try Matrix([[1, .infinity], [.infinity, 1]]).largestSymmetricEigenvalue()
        }
    }
}
