import Foundation
import Retrieval

/// Mean ± sd over seeds at one budget, and the paired test of the seed-averaged per-query nDCG@10
/// against stage one.
public struct AdaptSweepPoint: Sendable {
    public var configuration: String
    public var budget: Int?
    public var labeledQueries: Int
    public var seeds: Int
    public var meanAll: Double, sdAll: Double
    public var meanUnseen: Double, sdUnseen: Double
    public var versusStageOneAll: PairedComparison
    public var versusStageOneUnseen: PairedComparison
    /// Mean selected steps over seeds.
    public var meanSteps: Double
}
