/// The points of one query subset.
public struct SweepSeries: Sendable, Codable, Hashable {
    /// `all` or `unseen`.
    public var subset: String
    public var points: [SweepPoint]

    public init(subset: String, points: [SweepPoint]) {
        self.subset = subset
        self.points = points
    }
}
