/// One baseline or map in a `MetricsTable`.
public struct MetricsRow: Sendable, Codable, Hashable {
    public enum Role: String, Sendable, Codable, Hashable {
        case baseline, stage
    }

    /// The stage name or baseline name (`index-as-is`, ...).
    public var name: String
    public var role: Role
    /// `values[subset][metric]`: the mean over the subset's queries.
    public var values: [String: [String: Double]]
    /// Paired tests of this row against `MetricsTable.comparedTo` (empty for that row itself).
    public var significance: [SignificanceEntry]

    public init(name: String, role: Role, values: [String: [String: Double]], significance: [SignificanceEntry] = []) {
        self.name = name
        self.role = role
        self.values = values
        self.significance = significance
    }
}
