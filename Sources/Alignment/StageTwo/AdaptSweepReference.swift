import Foundation
import Retrieval

/// A reference line (stage one, the index as it is) on all queries and on the unseen subset.
public struct AdaptSweepReference: Sendable {
    public var label: String
    public var all: EvaluationReport
    public var unseen: EvaluationReport
}
