/// A named set of evaluation queries.
public struct QuerySubset: Sendable, Codable, Hashable {
    /// Short key, e.g. `all` or `unseen`.
    public var name: String
    /// Number of queries scored (those with at least one relevant document).
    public var queries: Int
    /// One line for the report, e.g. "test queries whose relevant documents no labeled query cites".
    public var description: String

    public init(name: String, queries: Int, description: String) {
        self.name = name
        self.queries = queries
        self.description = description
    }
}
