import Foundation

/// Progress of a long step inside a stage: `completed` of `total` units (epochs, batches, queries).
public struct ProgressEvent: Sendable, Hashable {
    public var stage: String
    public var completed: Int
    /// Nil when the total is unknown.
    public var total: Int?
    public var message: String

    public init(stage: String, completed: Int, total: Int?, message: String) {
        self.stage = stage
        self.completed = completed
        self.total = total
        self.message = message
    }

    /// Completed fraction in [0, 1], nil when the total is unknown or zero.
    public var fraction: Double? {
        guard let total, total > 0 else { return nil }
        return min(1, max(0, Double(completed) / Double(total)))
    }
}
