import LinearAlgebra
import Testing

@Suite struct QRTests {
    func checkQR<T: BLASScalar>(_: T.Type, rows: Int, columns: Int) throws {
        let a = DenseMatrix<T>.random(rows: rows, columns: columns, seed: UInt64(rows * 17 + columns))
        let (q, r) = try a.qr()
        let k = min(rows, columns)
        #expect(q.shape == Shape(rows, k) && r.shape == Shape(k, columns))
        let tol = Check.tolerance(T.self)
        #expect(Check.maxAbsDifference(try DenseMatrix.multiply(q, r), a) < tol)
        #expect(try Check.columnOrthonormalityError(q) < tol)
        for i in 0..<k { for j in 0..<min(i, columns) { #expect(r[i, j] == 0) } }
    }

    @Test(arguments: [(8, 3), (3, 8), (5, 5)]) func thinQRFloat(shape: (Int, Int)) throws {
        try checkQR(Float.self, rows: shape.0, columns: shape.1)
    }

    @Test(arguments: [(8, 3), (3, 8), (5, 5)]) func thinQRDouble(shape: (Int, Int)) throws {
        try checkQR(Double.self, rows: shape.0, columns: shape.1)
    }
}
