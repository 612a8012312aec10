/// The closed set of failures of the numerical core.
///
/// Every LAPACK routine reports through `info`; a nonzero value becomes
/// ``lapackFailure(routine:info:)`` rather than a trap, so that callers (a CLI,
/// a pipeline stage) can say what went wrong and stop cleanly.
public enum LinearAlgebraError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Two operands whose shapes cannot be combined, e.g. `[3 x 4] * [5 x 2]`.
    case shapeMismatch(operation: String, left: Shape, right: Shape)
    /// A LAPACK routine returned `info != 0`. Negative: argument `-info` was
    /// illegal (a bug here); positive: a numerical failure (no convergence,
    /// a singular pivot, a matrix that is not positive definite).
    case lapackFailure(routine: String, info: Int32)
    /// An input contains NaN or an infinity where finite values are needed.
    case nonFinite(operation: String)
    /// A dimension that is zero or negative where at least one is needed.
    case emptyDimension(operation: String)

    /// The operation or routine, then the problem, e.g. `multiply: shapes [3 x 4] and [5 x 2] do not fit`.
    public var description: String {
        switch self {
        case let .shapeMismatch(operation, left, right):
            return "\(operation): shapes \(left) and \(right) do not fit"
        case let .lapackFailure(routine, info) where info < 0:
            return "\(routine): argument \(-info) had an illegal value"
        case let .lapackFailure(routine, info):
            return "\(routine): numerical failure (info = \(info))"
        case let .nonFinite(operation):
            return "\(operation): input contains NaN or infinity"
        case let .emptyDimension(operation):
            return "\(operation): empty dimension"
        }
    }
}
