/// The budget curve of a sweep: a metric against the number of labeled queries, one series per
/// query subset (all evaluation queries, the unseen ones), with reference lines per subset.
public struct SweepCurve: Sendable, Codable, Hashable {
    public var metric: String
    public var series: [SweepSeries]
    /// Horizontal reference lines (stage one, the index as it is, ...), each for one subset.
    public var references: [ReferenceLine]

    public init(metric: String, series: [SweepSeries], references: [ReferenceLine]) {
        self.metric = metric
        self.series = series
        self.references = references
    }
}
