import LinearAlgebra

/// The closed set of failures of the alignment core (maps, losses, optimizers, Procrustes, training).
///
/// IO and CLI layers wrap these in their own messages; the numerical code throws only these
/// (typed throws), so a caller can tell a bad input from a numerical breakdown.
public enum AlignmentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A failure inside LinearAlgebra (shape mismatch in a gemm, a LAPACK `info != 0`, ...).
    case linearAlgebra(LinearAlgebraError)
    /// Operands whose shapes do not fit, e.g. a batch of 768-dimensional rows for a map from 384.
    case shapeMismatch(operation: String, expected: String, got: String)
    /// NaN or an infinity in an input, a loss or a parameter (`what` names it, e.g. "source row 17").
    case nonFinite(what: String)
    /// Nothing to work with: no rows, no common ids, an empty sample or batch.
    case empty(what: String)
    /// A setting outside its domain (a temperature <= 0, a held-out fraction of 1, ...).
    case invalidParameter(name: String, value: String, reason: String)
    /// A mapped vector W x + b with zero norm: its direction (and the cosine) is undefined.
    case zeroNormOutput(row: Int)
    /// The source and target id lists share no id: there is no pair to align.
    case noCommonIds
    /// Fewer usable labeled training queries (an embedding and a relevant document in the corpus)
    /// than stage two needs for `purpose`.
    case tooFewLabeledQueries(needed: Int, got: Int, purpose: String)
    /// A search the caller supplied (a store's query API) failed: its own error, as it said it.
    case searchFailed(search: String, reason: String)

    public var description: String {
        switch self {
        case let .linearAlgebra(error):
            return error.description
        case let .shapeMismatch(operation, expected, got):
            return "\(operation): expected \(expected), got \(got)"
        case let .nonFinite(what):
            return "\(what) contains NaN or infinity"
        case let .empty(what):
            return "\(what) is empty"
        case let .invalidParameter(name, value, reason):
            return "invalid \(name) = \(value): \(reason)"
        case let .zeroNormOutput(row):
            return "row \(row) maps to the zero vector (W x + b = 0): its cosine is undefined"
        case .noCommonIds:
            return "set of ids common to the source and target id lists is empty"
        case let .tooFewLabeledQueries(needed, got, purpose):
            return "too few labeled training queries (with an embedding and a relevant document in the corpus): "
                + "\(needed) needed to \(purpose), got \(got)"
        case let .searchFailed(search, reason):
            return "the search through \(search) failed: \(reason)"
        }
    }
}

/// Runs `body`, turning a ``LinearAlgebraError`` into ``AlignmentError/linearAlgebra(_:)``.
func wrapLinearAlgebra<R>(_ body: () throws(LinearAlgebraError) -> R) throws(AlignmentError) -> R {
    do {
        return try body()
    } catch {
        throw .linearAlgebra(error)
    }
}
