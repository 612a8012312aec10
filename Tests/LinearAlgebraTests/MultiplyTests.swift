import LinearAlgebra
import Testing
import _TestSupport

@Suite struct MultiplyTests {
    func naive(_ a: Matrix, _ b: Matrix) -> Matrix {
        var c = Matrix(rows: a.rows, columns: b.columns)
        for i in 0..<a.rows {
            for j in 0..<b.columns {
                var s: Double = 0
                for k in 0..<a.columns { s += Double(a[i, k]) * Double(b[k, j]) }
                c[i, j] = Float(s)
            }
        }
        return c
    }

    @Test(arguments: [Transpose.none, .transposed], [Transpose.none, .transposed])
    func gemmMatchesNaiveLoop(ta: Transpose, tb: Transpose) throws {
        var g = SeededGenerator(seed: 1)
        let a = Matrix.randomNormal(rows: 7, columns: 5, using: &g)
        let b = Matrix.randomNormal(rows: 5, columns: 9, using: &g)
        let aStored = ta == .none ? a : a.transposed
        let bStored = tb == .none ? b : b.transposed
        let c = try Matrix.multiply(aStored, bStored, transA: ta, transB: tb)
        let expected = naive(a, b)
        #expect(c.shape == expected.shape)
        for (x, y) in zip(c.storage, expected.storage) { #expect(abs(x - y) <= 1e-4 * max(1, abs(y))) }
    }

    @Test func innerDimensionMismatchThrows() {
        #expect(throws: LinearAlgebraError.self) {
            _ = try Matrix.multiply(Matrix(rows: 2, columns: 3), Matrix(rows: 4, columns: 2))
        }
    }
}
