import LinearAlgebra
import Testing

@Suite struct DecompositionErrorTests {
    @Test func nonFiniteInputThrowsNonFinite() {
        var a = Matrix.identity(3)
        a[1, 2] = .nan
        #expect(throws: LinearAlgebraError.nonFinite(operation: "svd")) { _ = try a.svd() }
        #expect(throws: LinearAlgebraError.nonFinite(operation: "svd")) { _ = try a.polarFactor() }
        #expect(throws: LinearAlgebraError.nonFinite(operation: "qr")) { _ = try a.qr() }
        #expect(throws: LinearAlgebraError.nonFinite(operation: "determinant")) { _ = try a.determinant() }
        #expect(throws: LinearAlgebraError.nonFinite(operation: "inverse")) { _ = try a.inverse() }
        var d = MatrixD.identity(2)
        d[0, 0] = -.infinity
        #expect(throws: LinearAlgebraError.nonFinite(operation: "svd")) { _ = try d.svd() }
    }

    @Test func emptyInputThrowsEmptyDimension() {
        #expect(throws: LinearAlgebraError.emptyDimension(operation: "svd")) {
            _ = try Matrix(rows: 0, columns: 3).svd()
        }
        #expect(throws: LinearAlgebraError.emptyDimension(operation: "qr")) { _ = try Matrix(rows: 3, columns: 0).qr() }
        #expect(throws: LinearAlgebraError.emptyDimension(operation: "symmetricEigen")) {
            _ = try Matrix(rows: 0, columns: 0).symmetricEigen()
        }
    }
}
