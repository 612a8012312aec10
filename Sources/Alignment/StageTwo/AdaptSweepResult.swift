import Foundation

public struct AdaptSweepResult: Sendable {
    public var metric: String
    public var runs: [AdaptSweepRun]
    public var points: [AdaptSweepPoint]
    public var references: [AdaptSweepReference]
    /// Evaluation queries that are labeled queries too (the pool stage two trains on), left out of the
    /// evaluation: a map trained on them would be measured on what it was fitted to.
    public var excludedLabeledQueries: [String] = []
}
