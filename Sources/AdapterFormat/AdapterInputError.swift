import Foundation

/// An adapter given the wrong inputs; front ends say which flag or key to set.
public enum AdapterInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A hybrid adapter needs the index model's vector of each query too.
    case missingIndexQueries
    /// An adapter of the query model's vector alone was given the index model's vectors too.
    case unexpectedIndexQueries
    /// The index model's vectors are not one `m`-wide row per query.
    case indexQueriesShape(expectedRows: Int, expectedColumns: Int, rows: Int, columns: Int)
    /// A hybrid adapter while the index model is retired: it could not embed new queries at serving time.
    case hybridWithRetiredIndexModel

    public var description: String {
        switch self {
        case .hybridWithRetiredIndexModel:
            "the adapter is hybrid (f = W x + V y + b), but the index model is retired: it cannot embed new "
                + "queries, so this adapter cannot be served; train a plain adapter (adapt without the index model's query vectors)"
        case .missingIndexQueries:
            "the adapter is hybrid (f = W x + V y + b): it needs the index model's vectors of the same queries as well"
        case .unexpectedIndexQueries:
            "the adapter maps the query model's vectors alone; the index model's vectors are only for hybrid adapters"
        case let .indexQueriesShape(expectedRows, expectedColumns, rows, columns):
            "the index model's vectors are \(rows) x \(columns), but the hybrid adapter needs one \(expectedColumns)-d row "
                + "per query (\(expectedRows) x \(expectedColumns)), in the queries' row order"
        }
    }
}
