import Foundation
import Retrieval

/// One trained and evaluated map of a sweep.
public struct AdaptSweepRun: Sendable {
    public var configuration: String
    /// The requested budget (nil: all labeled queries) and the number of labeled queries used.
    public var budget: Int?
    public var labeledQueries: Int
    public var seed: UInt64
    public var selectedSteps: Int
    public var trainingSeconds: Double
    /// Per-query metrics on every evaluated query and on the unseen subset.
    public var all: EvaluationReport
    public var unseen: EvaluationReport
}
