import Foundation

public struct AdaptSweepResult: Sendable {
    public var metric: String
    public var runs: [AdaptSweepRun]
    public var points: [AdaptSweepPoint]
    public var references: [AdaptSweepReference]
}
