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

    /// The figures as measured (for tests of the rule).
    init(
        mutualShare: Double, meanCSLS: Double, objective: Double, nullMutualShare: Double, nullMeanCSLS: Double,
        nullObjective: Double
    ) {
        (self.mutualShare, self.meanCSLS, self.objective) = (mutualShare, meanCSLS, objective)
        (self.nullMutualShare, self.nullMeanCSLS, self.nullObjective) = (nullMutualShare, nullMeanCSLS, nullObjective)
    }

    init(real: SelfLearning.Outcome, null: SelfLearning.Outcome) {
        mutualShare = real.matching.mutualShare
        meanCSLS = real.matching.meanMutualCSLS
        objective = real.matching.objective
        nullMutualShare = null.matching.mutualShare
        nullMeanCSLS = null.matching.meanMutualCSLS
        nullObjective = null.matching.objective
    }

    /// The share of rows matched mutually must reach this fraction of the null's. A correspondence
    /// matches at least as many rows mutually as the null does (SciFact: 61% against about 60% on
    /// disjoint halves, 92-99.8% on hidden ones); copies of a few rows, or tight clusters, in one table
    /// raise the objective while a few percent match mutually (a target of 60 distinct rows among
    /// 1,000: 6% against the null's 64%, and a map to noise).
    public static let minimumMutualRatio = 0.5

    /// Whether the objective exceeds the null's by ``minimumMargin``.
    public var beatsTheNull: Bool { objective - nullObjective >= Self.minimumMargin }

    /// Whether as many rows match mutually as a correspondence would (``minimumMutualRatio``).
    public var matchesOneToOne: Bool { mutualShare >= Self.minimumMutualRatio * nullMutualShare }

    /// Whether the real problem can be told apart from the null: its objective exceeds the null's
    /// by ``minimumMargin`` with a share of mutual matches of at least ``minimumMutualRatio`` of the null's.
    public var distinguishable: Bool { beatsTheNull && matchesOneToOne }
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
