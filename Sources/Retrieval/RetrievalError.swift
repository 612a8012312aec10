/// The closed set of failures of exact search, metrics and significance tests.
public enum RetrievalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Query and corpus vectors have different lengths.
    case dimensionMismatch(queries: Int, corpus: Int)
    /// `k` (results per query) or a metric cutoff is zero or negative.
    case invalidCutoff(Int)
    /// A list of ids does not have one id per matrix row.
    case idCountMismatch(what: String, ids: Int, rows: Int)
    /// An id occurs more than once where ids must be unique.
    case duplicateId(what: String, id: String)
    /// A per-query option (e.g. the excluded rows) does not have one entry per query,
    /// or names a corpus row that does not exist.
    case invalidExclusion(String)
    /// Two runs compared by a paired test do not cover the same queries.
    case unpairedRuns(left: Int, right: Int)
    /// Nothing to evaluate or compare (no query left after filtering, zero trials, ...).
    case empty(String)
    /// A parameter outside its domain (e.g. a confidence level not in (0, 1)).
    case invalidParameter(String)

    /// One line stating the problem, e.g. `query dimension 384 != corpus dimension 768`.
    public var description: String {
        switch self {
        case let .dimensionMismatch(queries, corpus):
            return "query dimension \(queries) != corpus dimension \(corpus)"
        case let .invalidCutoff(k):
            return "cutoff k must be positive, got \(k)"
        case let .idCountMismatch(what, ids, rows):
            return "\(what): \(ids) ids for \(rows) rows"
        case let .duplicateId(what, id):
            return "\(what): id '\(id)' occurs more than once"
        case let .invalidExclusion(message):
            return "exclusion: \(message)"
        case let .unpairedRuns(left, right):
            return "paired test needs the same queries in both runs (\(left) vs \(right) values)"
        case let .empty(message):
            return "nothing to do: \(message)"
        case let .invalidParameter(message):
            return "invalid parameter: \(message)"
        }
    }
}
