import Foundation

/// Progress of a sweep.
public enum AdaptSweepEvent: Sendable {
    case trained(
        configuration: String, budget: Int?, seed: UInt64, labeledQueries: Int, selectedSteps: Int, seconds: Double)
    case training(configuration: String, budget: Int?, seed: UInt64, event: AdaptEvent)
    /// All training is done; the evaluation judgments are read now.
    case evaluating
}
