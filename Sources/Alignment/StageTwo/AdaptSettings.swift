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
    /// The per-pair count as a user set it (``perPair``), kept even when it turns every counted kind off,
    /// so that a count of 0 is reported rather than read as "no hard negatives".
    public var declaredPerPair: Int?

    public init(random: Int = 0, hard: Int = 5, inBatch: Bool = true) {
        self.random = random
        self.hard = hard
        self.inBatch = inBatch
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

/// How stage two builds its final map once the dev folds chose a trained (or interpolated) candidate.
public enum AdaptFinalMap: String, Sendable, Hashable, Codable, CaseIterable {
    /// Retrain on every labeled query for the chosen steps, scaled to as many passes over all pairs as
    /// the folds took (the map the folds measured was trained on fewer labels).
    case refit
    /// Retrain on every labeled query for the chosen step count as it is: as many optimizer steps as a fold
    /// took, so only the fold's share (k - 1)/k of its passes over all pairs.
    case refitFoldSteps = "refit-fold-steps"
    /// The mean of the fold maps at the chosen steps (every fold of every split), interpolated after
    /// averaging for an interpolated candidate: the maps whose dev figures chose it, not a new one.
    case foldAverage = "fold-average"
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
    /// lambda of lambda ||W - W1||_F^2 on the effective weight: the value set, else
    /// ``defaultPenalty(for:)`` of the family (so changing the family changes the default).
    public var penalty: Double {
        get { penaltyOverride ?? Self.defaultPenalty(for: family) }
        set { penaltyOverride = newValue }
    }
    /// With index-model queries the trained candidates use ``penalties`` instead.
    /// The penalty set by the user; nil: the family's default.
    public var penaltyOverride: Double?
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
    /// What "best" means when choosing among candidates on the dev folds (``AdaptSelectionObjective``).
    /// Default nil: `.balanced` when the problem has index-model queries; without them, step selection on
    /// `devSplit` folds exactly as before objectives existed. Any case may be set explicitly; it then
    /// decides the folds and `devSplit` is not used.
    public var objective: AdaptSelectionObjective?
    /// a of the hybrid start W = a W1, V = (1 - a) I, b = a b1 that trained hybrid maps begin from (and the
    /// hard-negative teacher); used only with index-model queries. Default nil: ``defaultHybridAlpha``. Range [0, 1].
    public var hybridAlpha: Double?
    /// The label-free mixes compared on the dev folds (index-model queries only; a = 0 and a = 1, the index
    /// as it is and stage one, are always compared). Default nil: ``defaultCandidateAlphas``. Each in [0, 1].
    public var candidateAlphas: [Double]?
    /// The penalties lambda that trained candidates are trained with, one set of fold runs each. Default nil:
    /// `[penalty]` without index-model queries, ``defaultHybridPenalties(for:)`` with them. Non-empty, each >= 0.
    public var penalties: [Double]?
    /// The weights t of the interpolated candidates (1 - t) f_start + t f_trained compared on the dev folds
    /// (weight-space ensembling of the start map and each trained map). Default nil: with a retired index
    /// model, ``defaultRetiredInterpolations(for:)``; otherwise none. Each in (0, 1); ignored for rotations
    /// (an interpolated rotation is not one).
    public var interpolations: [Double]?
    /// How the final map is built from a trained choice (``AdaptFinalMap``). Default nil: ``AdaptFinalMap/refit``,
    /// as before the setting existed (nil is not encoded, so the configuration hash is unchanged).
    public var finalMap: AdaptFinalMap?
    /// How far below the reference, on the document-disjoint folds, the `balanced` objective admits a
    /// candidate (``AdaptSelection/choose(_:reference:objective:tolerance:)``). Default nil:
    /// ``AdaptSelection/tolerance(_:against:)``, 0 against stage one and 0.005 against the index as
    /// it is. Range [0, 1].
    public var balancedTolerance: Double?

    public init(
        family: AdaptMapFamily = .linear, negatives: AdaptNegatives = AdaptNegatives(),
        hardPool: Int = 2000, falseNegativeMargin: Double = 0.95, temperature: Double = 0.05,
        penalty: Double? = nil, learningRate: Double = 1e-4, weightDecay: Double = 0.01, batchSize: Int = 32,
        maxSteps: Int = 1000, evaluationInterval: Int = 10, patience: Int = 10, devFraction: Double = 0.1,
        minDevQueries: Int = 5, folds: Int? = nil, devSplit: AdaptDevSplit = .documentDisjoint, budget: Int? = nil,
        seed: UInt64 = 0
    ) {
        self.family = family
        self.negatives = negatives
        self.hardPool = hardPool
        self.falseNegativeMargin = falseNegativeMargin
        self.temperature = temperature
        self.penaltyOverride = penalty
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

    /// a of the label-free hybrid start, chosen on the SciFact *training* queries (never the test qrels) for
    /// both index models at once: the a with the largest summed gain over the index as it is among those
    /// at most 0.005 below it on either index (the `balanced` tolerance). nDCG@10 on the 809 training
    /// queries, minilm / static index: a 0.4 0.660 / 0.481, 0.45 0.658 / 0.484, 0.5 0.655 / 0.487, as is
    /// 0.660 / 0.408 (docs/hybrid.md).
    public static let defaultHybridAlpha = 0.45
    /// The label-free mixes compared by default (besides a = 0 and a = 1).
    public static let defaultCandidateAlphas = [0.2, 0.3, 0.4, 0.45, 0.5, 0.6, 0.7]

    /// The penalties trained hybrid candidates use by default: the rotation is held by its constraint (0);
    /// for the other families 0.03, the best of 0.03, 0.1, 0.3, 1, 3 under the `balanced` objective on the
    /// dev folds of the SciFact training queries for both index models (docs/hybrid.md). One value: every
    /// penalty costs a full set of fold runs, and adapt on 809 queries must stay under a minute.
    /// The penalties and interpolation weights a retired index model's stage two uses by default (no
    /// index-model queries: the map alone must serve new and recurring documents). A low penalty lets
    /// the trained map learn the labeled documents; interpolating it with stage one keeps what stage one
    /// gives new documents, and the balanced objective picks t and the steps on the dev folds. On the
    /// SciFact training queries (600 to train, 209 held out, minilm -> e5small, docs/upgrading.md) the
    /// map trained at 0.03 alone gave 0.691 / 0.584 (all / unseen) against stage one's 0.582 / 0.618,
    /// and its t = 0.25 interpolation 0.628 / 0.621.
    public static func defaultRetiredPenalties(for family: AdaptMapFamily) -> [Double] {
        if case .rotation = family { return [0] }
        return [0.03, defaultPenalty(for: family)]
    }

    public static func defaultRetiredInterpolations(for family: AdaptMapFamily) -> [Double] {
        if case .rotation = family { return [] }
        return [0.25, 0.5, 0.75]
    }

    public static func defaultHybridPenalties(for family: AdaptMapFamily) -> [Double] {
        if case .rotation = family { return [0] }
        return [0.03]
    }

    /// Throws ``AlignmentError/invalidParameter(name:value:reason:)`` for the first setting out of its
    /// declared range (``settings``) or a combination that cannot work.
    public func validated() throws(AlignmentError) -> AdaptSettings {
        func check(_ ok: Bool, _ name: String, _ value: Any, _ reason: String) throws(AlignmentError) {
            if !ok { throw .invalidParameter(name: name, value: "\(value)", reason: reason) }
        }
        if let (setting, message) = problems().first {
            throw .invalidParameter(name: setting.key, value: setting.text(self), reason: message)
        }
        try check(negatives.hard >= 0 && negatives.random >= 0, "negatives", negatives, "counts must be >= 0")
        // Name the setting the user most likely got wrong: more hard negatives than even the default
        // pool holds, or a default pool, is num_negatives' problem; otherwise the pool was lowered.
        if hardPool < negatives.hard {
            if negatives.hard > Self().hardPool || hardPool >= Self().hardPool {
                try check(
                    false, "num_negatives", negatives.hard,
                    "asks for \(negatives.hard) hard negatives per pair, drawn from the \(hardPool) documents of "
                        + "hard_pool: lower num_negatives (default \(Self().negatives.hard)), or raise hard_pool to at least \(negatives.hard)"
                )
            }
            try check(
                false, "hard_pool", hardPool,
                "must be >= the \(negatives.hard) hard negatives per pair of num_negatives: raise hard_pool, or lower num_negatives"
            )
        }
        try check(
            learningRate * weightDecay < 1, "weight_decay", weightDecay,
            "learning_rate x weight_decay must be below 1 (AdamW's decoupled decay would flip the sign)")
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
            throw .invalidParameter(
                name: "rank", value: "\(rank)",
                reason:
                    "must be at most min(m, p) = \(min(m, p)) (index dimension m = \(m), query dimension p = \(p)); for a full-rank residual use the linear family"
            )
        }
        return settings
    }
}

extension AdaptSettings {
    /// EmbeddingIO's `CanonicalJSON.shortHash(of:)` of the settings (the scheme of stage one's configuration hash):
    /// equal settings give equal hashes on every platform.
    public var configurationHash: String {
        CanonicalJSON.shortHash(of: self)
    }
}
