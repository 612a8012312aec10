import EmbeddingIO
import Foundation

/// How the stage-two query map is parameterized around the stage-one map f1(x) = W1 x + b1.
///
/// In every family the trainable parameters start at zero, where the map equals stage one, and
/// AdamW's decoupled weight decay pulls them back toward zero, i.e. toward stage one.
public enum AdaptMapFamily: Sendable, Hashable, Codable, CustomStringConvertible {
    /// f(x) = (W1 + Delta) x + (b1 + delta): any m x p matrix (the default).
    case linear
    /// f(x) = R (W1 x + b1) with R in SO(m), R = (I + A)^{-1} (I - A) (Cayley), A skew-symmetric:
    /// adaptation rotates the aligned space and cannot distort it.
    case rotation
    /// f(x) = (W1 + U V) x + (b1 + delta), U m x r (starts at 0), V r x p (starts small random).
    case lowRank(rank: Int)

    public var description: String {
        switch self {
        case .linear: "linear"
        case .rotation: "rotation"
        case .lowRank(let rank): "low-rank(\(rank))"
        }
    }
}

/// Which documents compete with a labeled pair's positive in the InfoNCE softmax.
public struct AdaptNegatives: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Random documents of the index per pair (never one of the query's labeled positives).
    public var random: Int
    /// Hard negatives per pair, mined from the index with the stage-one map as teacher.
    public var hard: Int
    /// The other pairs' positives and negatives in the same batch (minus the query's own positives).
    public var inBatch: Bool

    public init(random: Int = 0, hard: Int = 5, inBatch: Bool = true) {
        self.random = random
        self.hard = hard
        self.inBatch = inBatch
    }

    /// Parses `"hard,random,in-batch"`: each named kind is on (`count` negatives per pair for
    /// `hard` and `random`), the others off. Returns nil for an unknown or empty name, and for a
    /// `count` below 1 when `hard` or `random` is named (see ``init(parsing:count:)`` for why).
    public static func parse(_ text: String, count: Int) -> AdaptNegatives? {
        try? AdaptNegatives(parsing: text, count: count)
    }

    /// Parses `"hard,random,in-batch"` as ``parse(_:count:)`` does, saying what is wrong.
    ///
    /// A count below 1 for a named kind is refused rather than read as "that kind off": a user who
    /// names `hard` asked for hard negatives, and a pipeline file refuses `num_negatives: 0` too.
    /// - Throws: ``AlignmentError/invalidParameter(name:value:reason:)`` naming `negatives` or
    ///   `number of negatives`.
    public init(parsing text: String, count: Int) throws(AlignmentError) {
        var negatives = AdaptNegatives(random: 0, hard: 0, inBatch: false)
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.isEmpty else {
            throw .invalidParameter(name: "negatives", value: "\"\(text)\"", reason: "expected a comma-separated list of hard, random, in-batch")
        }
        for name in names {
            switch name {
            case "hard": negatives.hard = count
            case "random": negatives.random = count
            case "in-batch", "inbatch": negatives.inBatch = true
            default:
                throw .invalidParameter(name: "negatives", value: "\"\(name)\"", reason: "expected hard, random or in-batch")
            }
        }
        if count < 1, names.contains(where: { $0 == "hard" || $0 == "random" }) {
            throw .invalidParameter(name: "number of negatives", value: "\(count)",
                                    reason: "must be >= 1 when hard or random negatives are asked for (or ask only for in-batch)")
        }
        self = negatives
    }

    public var description: String {
        var parts = [String]()
        if hard > 0 { parts.append("hard(\(hard))") }
        if random > 0 { parts.append("random(\(random))") }
        if inBatch { parts.append("in-batch") }
        return parts.isEmpty ? "none" : parts.joined(separator: ",")
    }
}

/// How the labeled queries are split into training and dev queries for early stopping.
public enum AdaptDevSplit: String, Sendable, Hashable, Codable, CaseIterable {
    /// Dev queries none of whose relevant documents is relevant to a remaining training query
    /// (whole connected groups of queries that share documents go to one side). The default:
    /// a random split rewards memorizing the training documents (DESIGN.md, stage two).
    case documentDisjoint = "document-disjoint"
    /// Queries drawn uniformly at random.
    case random
}

/// Every setting of stage two. Defaults are the ones chosen on a document-disjoint dev split of
/// the SciFact training queries (docs/adaptation.md records the experiments).
public struct AdaptSettings: Sendable, Hashable, Codable {
    public var family: AdaptMapFamily
    public var negatives: AdaptNegatives
    /// Candidates mined per query for hard negatives (the teacher's top documents).
    public var hardPool: Int
    /// Candidates scoring above this fraction of the positive's score are dropped as likely unlabeled positives.
    public var falseNegativeMargin: Double
    /// InfoNCE temperature tau > 0.
    public var temperature: Double
    /// lambda of lambda ||W - W1||_F^2 on the effective weight (default: ``defaultPenalty(for:)``).
    public var penalty: Double
    /// AdamW learning rate.
    public var learningRate: Double
    /// AdamW decoupled weight decay on the parameters (which are zero at stage one).
    public var weightDecay: Double
    /// Labeled pairs per optimizer step.
    public var batchSize: Int
    /// At most this many optimizer steps.
    public var maxSteps: Int
    /// Dev evaluations (nDCG@10) every this many steps; the best one is kept.
    public var evaluationInterval: Int
    /// Stop after this many evaluations without improvement of the dev nDCG@10.
    public var patience: Int
    /// Fraction of the labeled queries in a hold-out dev set (`folds` = 1).
    public var devFraction: Double
    /// A hold-out dev set (`folds` = 1) has at least this many queries (at most half the budget).
    public var minDevQueries: Int
    /// Dev folds for step selection: k > 1 is k-fold (every labeled query is a dev query once),
    /// 1 a hold-out set (`devFraction`), 0 no selection (train `maxSteps` steps on every labeled query);
    /// nil: ``defaultFolds``.
    public var folds: Int?
    /// 5: every labeled query is a dev query once, and the pooled curve is steady enough to stop on.
    public static let defaultFolds = 5
    public var devSplit: AdaptDevSplit
    /// Number of labeled queries used (drawn with `seed`); nil: all.
    public var budget: Int?
    public var seed: UInt64

    public init(family: AdaptMapFamily = .linear, negatives: AdaptNegatives = AdaptNegatives(),
                hardPool: Int = 2000, falseNegativeMargin: Double = 0.95, temperature: Double = 0.05,
                penalty: Double? = nil, learningRate: Double = 1e-4, weightDecay: Double = 0.01, batchSize: Int = 32,
                maxSteps: Int = 1000, evaluationInterval: Int = 10, patience: Int = 10, devFraction: Double = 0.1,
                minDevQueries: Int = 5, folds: Int? = nil, devSplit: AdaptDevSplit = .documentDisjoint, budget: Int? = nil,
                seed: UInt64 = 0) {
        self.family = family
        self.negatives = negatives
        self.hardPool = hardPool
        self.falseNegativeMargin = falseNegativeMargin
        self.temperature = temperature
        self.penalty = penalty ?? Self.defaultPenalty(for: family)
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.batchSize = batchSize
        self.maxSteps = maxSteps
        self.evaluationInterval = evaluationInterval
        self.patience = patience
        self.devFraction = devFraction
        self.minDevQueries = minDevQueries
        self.folds = folds
        self.devSplit = devSplit
        self.budget = budget
        self.seed = seed
    }

    /// The penalty chosen on the document-disjoint dev folds of the SciFact training queries
    /// (docs/adaptation.md): 3 for the linear and low-rank families; 0 for the rotation, which is
    /// already held by its constraint (a penalty there only lowered the dev figure).
    public static func defaultPenalty(for family: AdaptMapFamily) -> Double {
        if case .rotation = family { return 0 }
        return 3
    }

    /// Throws ``AlignmentError/invalidParameter(name:value:reason:)`` for the first setting out of its domain.
    public func validated() throws(AlignmentError) -> AdaptSettings {
        func check(_ ok: Bool, _ name: String, _ value: Any, _ reason: String) throws(AlignmentError) {
            if !ok { throw .invalidParameter(name: name, value: "\(value)", reason: reason) }
        }
        if case .lowRank(let rank) = family { try check(rank > 0, "rank", rank, "must be > 0") }
        try check(negatives.hard >= 0 && negatives.random >= 0, "negatives", negatives, "counts must be >= 0")
        try check(negatives.hard > 0 || negatives.random > 0 || negatives.inBatch, "negatives", negatives,
                  "at least one kind of negative is needed")
        try check(hardPool >= negatives.hard, "hard pool", hardPool, "must be >= the number of hard negatives")
        try check(falseNegativeMargin > 0 && falseNegativeMargin.isFinite, "false-negative margin",
                  falseNegativeMargin, "must be > 0")
        try check(temperature > 0 && temperature.isFinite, "temperature", temperature, "must be > 0")
        try check(penalty >= 0 && penalty.isFinite, "penalty", penalty, "must be >= 0")
        try check(learningRate > 0 && learningRate.isFinite, "learning rate", learningRate, "must be > 0")
        try check(weightDecay >= 0 && learningRate * weightDecay < 1, "weight decay", weightDecay,
                  "must be >= 0 and below 1 / learning rate")
        try check(batchSize > 0, "batch size", batchSize, "must be > 0")
        try check(maxSteps >= 0, "steps", maxSteps, "must be >= 0")
        try check(evaluationInterval > 0, "evaluation interval", evaluationInterval, "must be > 0")
        try check(patience > 0, "patience", patience, "must be > 0")
        try check(devFraction > 0 && devFraction < 1, "dev fraction", devFraction, "must be in (0, 1)")
        try check(minDevQueries > 0, "minimum dev queries", minDevQueries, "must be > 0")
        if let budget { try check(budget > 0, "budget", budget, "must be > 0") }
        if let folds { try check(folds >= 0, "folds", folds, "must be >= 0") }
        return self
    }

    /// ``validated()`` plus the limits that depend on the data: the query dimension p and the
    /// index dimension m (the map is m x p).
    ///
    /// A low-rank residual U V of rank r > min(m, p) is no more expressive than rank min(m, p),
    /// and its cost grows with r without end (`rank: 100000` never finished): it is refused.
    public func validated(queryDimension p: Int, indexDimension m: Int) throws(AlignmentError) -> AdaptSettings {
        let settings = try validated()
        if case .lowRank(let rank) = family, rank > min(m, p) {
            throw .invalidParameter(name: "rank", value: "\(rank)",
                                    reason: "must be at most min(m, p) = \(min(m, p)) (index dimension m = \(m), query dimension p = \(p)); for a full-rank residual use the linear family")
        }
        return settings
    }
}

extension AdaptSettings {
    /// A stable 64-bit FNV-1a hash of the sorted-key JSON of the settings, as 16 hex digits (the
    /// scheme of stage one's configuration hash): equal settings give equal hashes on every platform.
    public var configurationHash: String {
        CanonicalJSON.shortHash(of: self)
    }
}
