import Testing

@testable import LinearAlgebra

/// The concrete loops behind `isFinite` and the zero fill give what the generic definitions give.
@Suite struct MatrixFastPathTests {
    @Test(arguments: [1, 15, 16, 17, 33, 1000])
    func isFiniteFindsEveryNonFiniteValue(count: Int) {
        for bad in [Float.nan, .infinity, -.infinity] {
            for position in Set([0, count / 2, count - 1]) {
                var f = Matrix(rows: 1, columns: count, repeating: 0.5)
                #expect(f.isFinite)
                f[0, position] = bad
                #expect(!f.isFinite)
                var d = MatrixD(rows: count, columns: 1, repeating: -2)
                #expect(d.isFinite)
                d[position, 0] = Double(bad)
                #expect(!d.isFinite)
            }
        }
        var large = Matrix(rows: 1, columns: count, repeating: .greatestFiniteMagnitude)
        #expect(large.isFinite)
        large[0, 0] = -.greatestFiniteMagnitude
        #expect(large.isFinite)
        #expect(Matrix(rows: 0, columns: 3).isFinite)
    }

    @Test func fillsKeepTheValueAndItsSign() {
        let zeros = Matrix(rows: 3, columns: 5)
        #expect(zeros.storage == [Float](repeating: 0, count: 15))
        #expect(zeros.storage.allSatisfy { $0.sign == .plus })
        let negativeZeros = MatrixD(rows: 2, columns: 2, repeating: -0.0)
        #expect(negativeZeros.storage.allSatisfy { $0 == 0 && $0.sign == .minus })
        #expect(MatrixD(rows: 2, columns: 3, repeating: 1.5).storage == [Double](repeating: 1.5, count: 6))
        #expect(Matrix(rows: 0, columns: 0).count == 0)
    }
}
