import LinearAlgebra
import _TestSupport

/// Shared helpers for the decomposition tests.
enum Check {
    /// `max_ij |a_ij - b_ij|` (infinity if shapes differ).
    static func maxAbsDifference<T: BLASScalar>(_ a: DenseMatrix<T>, _ b: DenseMatrix<T>) -> Double {
        Tolerance.maxAbsDifference(a, b)
    }

    /// Distance of `A^T A` from the identity: 0 iff `A` has orthonormal columns.
    static func columnOrthonormalityError<T: BLASScalar>(_ a: DenseMatrix<T>) throws -> Double {
        let gram = try DenseMatrix.multiply(a, a, transA: .transposed)
        return maxAbsDifference(gram, .identity(a.columns))
    }

    /// Distance of `A A^T` from the identity: 0 iff `A` has orthonormal rows.
    static func rowOrthonormalityError<T: BLASScalar>(_ a: DenseMatrix<T>) throws -> Double {
        let gram = try DenseMatrix.multiply(a, a, transB: .transposed)
        return maxAbsDifference(gram, .identity(a.rows))
    }

    /// A tolerance that fits the precision: `floatTolerance` for Float, 1e-10 for Double.
    static func tolerance<T: BLASScalar>(_ type: T.Type, float floatTolerance: Double = 1e-4) -> Double {
        Tolerance.forPrecision(type, float: floatTolerance)
    }
}

extension DenseMatrix {
    /// A seeded standard normal matrix in this precision.
    static func random(rows: Int, columns: Int, seed: UInt64) -> DenseMatrix {
        var g = SeededGenerator(seed: seed)
        return DenseMatrix(
            rows: rows, columns: columns,
            storage: (0..<(rows * columns)).map { _ in Scalar(g.normal()) })
    }

    /// A seeded random orthogonal `n x n` matrix (Q of a Gaussian matrix).
    static func randomOrthogonal(_ n: Int, seed: UInt64) throws -> DenseMatrix {
        try random(rows: n, columns: n, seed: seed).qr().q
    }
}
