import EmbeddingIO

/// The evaluation of baselines and maps on the same queries: one row per baseline or stage,
/// one column per (subset, metric).
public struct MetricsTable: Sendable, Codable, Hashable {
    /// Column metrics in display order, e.g. `["ndcg@10", "recall@100", "mrr@10"]`.
    public var metrics: [String]
    /// Query subsets in display order, e.g. all test queries and the "unseen" ones.
    public var subsets: [QuerySubset]
    public var rows: [MetricsRow]
    /// The row every significance entry compares against.
    public var comparedTo: String?
    /// Set when the index model is retired: the verdict then asks whether the best map is no worse
    /// than the index as it was (`index-as-is`), within this margin of the tested metric.
    public var upgradeMargin: Double?

    public init(metrics: [String], subsets: [QuerySubset], rows: [MetricsRow], comparedTo: String? = nil) {
        self.metrics = metrics
        self.subsets = subsets
        self.rows = rows
        self.comparedTo = comparedTo
    }

    enum CodingKeys: String, CodingKey {
        case metrics, subsets, rows
        case comparedTo = "compared_to", upgradeMargin = "upgrade_margin"
    }

    /// Also reads the camelCase keys of stage records written before the keys were snake_case.
    public init(from decoder: any Decoder) throws {
        let c = try SnakeCaseKeys(decoder)
        metrics = try c.decode("metrics")
        subsets = try c.decode("subsets")
        rows = try c.decode("rows")
        comparedTo = try c.decodeIfPresent("compared_to")
        upgradeMargin = try c.decodeIfPresent("upgrade_margin")
    }
}
