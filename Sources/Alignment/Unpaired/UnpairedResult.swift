/// How well two sets of vectors of different texts matched, beside the same figures on the null
/// problem (Gaussian rows with the target's mean and covariance: what a linear map can match on, and
/// nothing that tells rows apart).
public struct UnpairedConfidence: Sendable, Hashable, Codable {
    /// The share of rows (of the smaller sample) in a mutual CSLS nearest-neighbour pair.
    public var mutualShare: Double
    /// The mean CSLS of those pairs.
    public var meanCSLS: Double
    /// The self-learning objective (mean cosine of each row's choice, both ways).
    public var objective: Double
    /// The same three figures on the null problem.
    public var nullMutualShare: Double
    public var nullMeanCSLS: Double
    public var nullObjective: Double

    /// The objective must exceed the null's by at least this much.
    public static let minimumMargin = 0.1

    init(real: SelfLearning.Outcome, null: SelfLearning.Outcome) {
        mutualShare = real.matching.mutualShare
        meanCSLS = real.matching.meanMutualCSLS
        objective = real.matching.objective
        nullMutualShare = null.matching.mutualShare
        nullMeanCSLS = null.matching.meanMutualCSLS
        nullObjective = null.matching.objective
    }

    /// Whether the real problem can be told apart from the null: its objective exceeds the null's
    /// by ``minimumMargin``.
    public var distinguishable: Bool {
        objective - nullObjective >= Self.minimumMargin
    }
}

/// What unpaired alignment induced: pairs of rows (source row `sourceRows[i]` with target row
/// `targetRows[i]`), and how far to trust them.
public struct UnpairedResult: Sendable, Hashable {
    public var sourceRows: [Int]
    public var targetRows: [Int]
    /// The chosen attempt's figures against the null.
    public var confidence: UnpairedConfidence
    /// Every attempt's figures, in order.
    public var attempts: [UnpairedConfidence]
    public var chosenAttempt: Int
    /// Self-learning rounds over all attempts, real and null.
    public var rounds: Int
    /// Rows of each table that took part.
    public var sourceRowsUsed: Int
    public var targetRowsUsed: Int
    /// Known pairs given as seeds.
    public var anchors: Int
    public var seconds: Double

    /// The number of induced pairs.
    public var count: Int { sourceRows.count }
    /// Whether the match can be told from chance (``UnpairedConfidence/distinguishable``).
    public var accepted: Bool { confidence.distinguishable }
}
