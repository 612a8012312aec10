import LinearAlgebra

/// The test suites' one set of closeness helpers.
public enum Tolerance {
    /// `max_ij |a_ij - b_ij|` (infinity when the shapes differ).
    public static func maxAbsDifference<T: BLASScalar>(_ a: DenseMatrix<T>, _ b: DenseMatrix<T>) -> Double {
        guard a.shape == b.shape else { return .infinity }
        return zip(a.storage, b.storage).map { Double(abs($0 - $1)) }.max() ?? 0
    }

    /// Whether the matrices have one shape and every entry within `tolerance`.
    public static func isClose<T: BLASScalar>(_ a: DenseMatrix<T>, _ b: DenseMatrix<T>, _ tolerance: Double) -> Bool {
        maxAbsDifference(a, b) <= tolerance
    }

    /// Whether `a` is present and within `tolerance` of `b`.
    public static func isClose(_ a: Double?, _ b: Double, _ tolerance: Double = 1e-12) -> Bool {
        a.map { abs($0 - b) <= tolerance } ?? false
    }

    /// A tolerance that fits the precision: `float` for Float, 1e-10 for Double.
    public static func forPrecision<T: BLASScalar>(_: T.Type, float: Double = 1e-4) -> Double {
        T.self == Float.self ? float : 1e-10
    }
}
