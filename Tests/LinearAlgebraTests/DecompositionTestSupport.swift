import LinearAlgebra
import _TestSupport

/// Shared helpers for the decomposition tests.
enum Check {
    /// `max_ij |a_ij - b_ij|` (infinity if shapes differ).
    static func maxAbsDifference<T: BLASScalar>(_ a: DenseMatrix<T>, _ b: DenseMatrix<T>) -> Double {
        guard a.shape == b.shape else { return .infinity }
        return zip(a.storage, b.storage).map { Double(abs($0 - $1)) }.max() ?? 0
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
    static func tolerance<T: BLASScalar>(_: T.Type, float floatTolerance: Double = 1e-4) -> Double {
        T.self == Float.self ? floatTolerance : 1e-10
    }
}

extension DenseMatrix {
    /// A seeded standard normal matrix in this precision.
    static func random(rows: Int, columns: Int, seed: UInt64) -> DenseMatrix {
        var g = SeededGenerator(seed: seed)
        return DenseMatrix(rows: rows, columns: columns,
                           storage: (0..<(rows * columns)).map { _ in Scalar(g.normal()) })
    }

    /// A seeded random orthogonal `n x n` matrix (Q of a Gaussian matrix).
    static func randomOrthogonal(_ n: Int, seed: UInt64) throws -> DenseMatrix {
        try random(rows: n, columns: n, seed: seed).qr().q
    }
}
