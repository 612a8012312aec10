import LinearAlgebra
import Testing
import _TestSupport

@Suite struct ArithmeticTests {
    let a = Matrix([[1, 2, 3], [4, 5, 6]])
    let b = Matrix([[0.5, -1, 2], [3, 0, -6]])

    @Test func operatorsAreElementwise() {
        #expect((a + b).storage == [1.5, 1, 5, 7, 5, 0])
        #expect((a - b).storage == [0.5, 3, 1, 1, 5, 12])
        #expect((2 * a).storage == [2, 4, 6, 8, 10, 12])
        #expect((a * -1) == -a)
        var c = a
        c += b
        c -= b
        #expect(c == a)
        c *= 0.5
        #expect(c.storage == [0.5, 1, 1.5, 2, 2.5, 3])
    }

    @Test func axpyAndFrobenius() throws {
        var c = a
        try c.add(b, scaledBy: 2)
        #expect(c.storage == [2, 0, 7, 10, 5, -6])
        #expect(try a.frobeniusDot(b) == 0.5 - 2 + 6 + 12 + 0 - 36)
        #expect(a.frobeniusNormSquared == 91)
        #expect(abs(a.frobeniusNorm - Float(91).squareRoot()) < 1e-5)
        #expect(a.trace == 6)
        #expect(Matrix.identity(4).trace == 4)
        #expect(Matrix.zeros(rows: 2, columns: 3).frobeniusNorm == 0)
    }

    @Test func binaryMethodsThrowOnShapeMismatch() {
        var c = a
        #expect(throws: LinearAlgebraError.self) { try c.add(Matrix(rows: 3, columns: 2), scaledBy: 1) }
        #expect(throws: LinearAlgebraError.self) { _ = try a.frobeniusDot(Matrix(rows: 2, columns: 2)) }
        #expect(throws: LinearAlgebraError.self) { try c.subtractFromEachRow([1, 2]) }
        #expect(throws: LinearAlgebraError.self) { try c.addToEachRow([1, 2, 3, 4]) }
    }

    @Test func rowBroadcastAndMeans() throws {
        #expect(a.columnMeans() == [2.5, 3.5, 4.5])
        var c = a
        try c.subtractFromEachRow(a.columnMeans())
        #expect(c.storage == [-1.5, -1.5, -1.5, 1.5, 1.5, 1.5])
        #expect(c.columnMeans() == [0, 0, 0])
        try c.addToEachRow(a.columnMeans())
        #expect(c == a)
        #expect(Matrix(rows: 0, columns: 2).columnMeans() == [0, 0])
    }

    @Test func rowNormsAndNormalization() {
        let m = Matrix([[3, 4], [0, 0], [1e-30, 0]])
        #expect(m.rowNorms() == [5, 0, 1e-30])
        let n = m.normalizedRows()
        #expect(abs(n[0, 0] - 0.6) < 1e-6 && abs(n[0, 1] - 0.8) < 1e-6)
        #expect(n.row(1) == [0, 0])
        // Below the 1e-12 floor the row is divided by 1e-12, not blown up to unit length.
        #expect(abs(n[2, 0] - 1e-18) < 1e-22)
        var g = SeededGenerator(seed: 3)
        let r = Matrix.randomNormal(rows: 10, columns: 7, using: &g).normalizedRows()
        for x in r.rowNorms() { #expect(abs(x - 1) < 1e-5) }
    }

    @Test func vectorHelpers() {
        let x: [Double] = [1, 2, 2]
        #expect(x.dot([1, 0, -1]) == -1)
        #expect(x.euclideanNorm == 3)
        #expect([Float]().euclideanNorm == 0)
    }
}
