import Settings

/// The kinds of map stage two trains, as users name them (``AdaptMapFamily`` without its rank).
public enum AdaptMapKind: String, Sendable, Hashable, Codable, CaseIterable {
    case linear, rotation
    case lowRank = "low-rank"
}

extension AdaptNegatives {
    /// The kinds of negatives, as users name them.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case hard, random
        case inBatch = "in-batch"
    }

    /// Negatives per pair when no counted kind is on (the count a user sees and may change).
    public static let defaultPerPair = 5

    /// The kinds that are on, in the order hard, random, in-batch. Setting it keeps the per-pair count.
    public var kinds: [Kind] {
        get { (hard > 0 ? [Kind.hard] : []) + (random > 0 ? [.random] : []) + (inBatch ? [.inBatch] : []) }
        set {
            let count = perPair
            hard = newValue.contains(.hard) ? max(count, 0) : 0
            random = newValue.contains(.random) ? max(count, 0) : 0
            inBatch = newValue.contains(.inBatch)
            declaredPerPair = nil
            if hard + random == 0 || count < 1 { declaredPerPair = count == Self.defaultPerPair ? nil : count }
        }
    }

    /// Hard and random negatives per labeled pair (``defaultPerPair`` when neither kind is on).
    public var perPair: Int {
        get { declaredPerPair ?? (max(hard, random) > 0 ? max(hard, random) : Self.defaultPerPair) }
        set {
            // A count the kinds cannot hold (below 1, or with no counted kind on) is kept as written,
            // so that it is reported, and written back, rather than lost.
            let representable = newValue >= 1 && (hard > 0 || random > 0)
            if hard > 0 { hard = max(newValue, 0) }
            if random > 0 { random = max(newValue, 0) }
            declaredPerPair = representable || newValue == Self.defaultPerPair ? nil : newValue
        }
    }
}

extension AdaptSettings: DeclaredSettings {
    public init() {
        self.init(family: .linear)
    }

    /// The most dev folds: selection trains one run per fold (per split), all held in memory at
    /// once, so `folds: 100000` (capped only at the ~800 labeled queries) needed 11.5 GB and
    /// aborted; 20 runs of 5% dev queries each already average out a fold's luck.
    public static let maxFolds = 20

    /// The rank a low-rank map gets when none is given.
    public static let defaultRank = 16

    /// The family's kind; setting it keeps the rank of a low-rank map.
    public var map: AdaptMapKind {
        get {
            switch family {
            case .linear: .linear
            case .rotation: .rotation
            case .lowRank: .lowRank
            }
        }
        set {
            switch newValue {
            case .linear: family = .linear
            case .rotation: family = .rotation
            case .lowRank: family = .lowRank(rank: rank)
            }
        }
    }

    /// The rank of the low-rank residual (``defaultRank`` for the other families, where it is unused).
    public var rank: Int {
        get { if case .lowRank(let rank) = family { rank } else { Self.defaultRank } }
        set { if case .lowRank = family { family = .lowRank(rank: newValue) } }
    }

    /// Why `rank` written beside these settings cannot be used: only a low-rank map has one, and any
    /// other map would drop it unseen (`rank: 100000` passed with `map: linear`). nil for a low-rank
    /// map, and for ``defaultRank``, which every resolved configuration writes for every map.
    public func problem(ofWrittenRank written: Int) -> String? {
        map == .lowRank || written == Self.defaultRank
            ? nil
            : "rank applies to map: low-rank only, and the map is \(map.rawValue): remove rank, or set map: low-rank"
    }

    /// Stage two's settings as users set them (the seed is set by the front ends).
    public static let settings: [Setting<AdaptSettings>] = [
        Setting(
            \.budget, key: "budget", doc: "Use the labels of this many queries, drawn with the seed (default: all).",
            expectation: "an integer >= 1", unset: "all labeled queries", valid: { $0.map { $0 >= 1 } ?? true }),
        Setting(
            \.map, key: "map",
            doc: "linear (W1 + Delta), rotation (R f1, R in SO(m), Cayley) or low-rank (W1 + U V of rank `rank`).",
            expectation: choices(AdaptMapKind.self)),
        Setting(
            \.rank, key: "rank", doc: "Rank of the low-rank residual (map: low-rank only).",
            expectation: "an integer >= 1",
            valid: { $0 >= 1 }),
        Setting(
            \.negatives.kinds, key: "negatives", doc: "Kinds of negatives, combined: hard, random, in-batch.",
            expectation: "a non-empty list of hard, random, in-batch", valid: { !$0.isEmpty }),
        Setting(
            \.negatives.perPair, key: "num_negatives", doc: "Hard and random negatives per labeled pair.",
            expectation: "an integer >= 1", valid: { $0 >= 1 }),
        Setting(
            \.hardPool, key: "hard_pool",
            doc: "Documents the stage-one teacher ranks per query when mining hard negatives.",
            expectation: "an integer >= 1", valid: { $0 >= 1 }),
        Setting(
            \.falseNegativeMargin, key: "false_negative_margin",
            doc:
                "Mined candidates scoring above this fraction of the positive's score are dropped as likely unlabeled positives.",
            expectation: "a number > 0", valid: { $0.isFinite && $0 > 0 }),
        Setting(
            \.temperature, key: "temperature", doc: "InfoNCE temperature.", expectation: "a number in (0, 100]",
            valid: { $0.isFinite && $0 > 0 && $0 <= 100 }),
        Setting(
            \.penaltyOverride, key: "regularization", flag: "penalty",
            doc:
                "lambda of the penalty lambda ||W - W1||^2 toward stage one (default: 3 for linear and low-rank maps, 0 for rotations).",
            expectation: "a number >= 0", unset: "3 for linear and low-rank maps, 0 for rotations",
            valid: { $0.map { $0.isFinite && $0 >= 0 } ?? true }),
        Setting(
            \.learningRate, key: "learning_rate", doc: "AdamW learning rate.", expectation: "a number in (0, 10]",
            valid: { $0.isFinite && $0 > 0 && $0 <= 10 }),
        Setting(
            \.weightDecay, key: "weight_decay",
            doc: "AdamW decoupled weight decay (pulls the parameters toward stage one).",
            expectation: "a number >= 0", valid: { $0.isFinite && $0 >= 0 }),
        Setting(
            \.batchSize, key: "batch_size", doc: "Labeled pairs per step.", expectation: "an integer >= 1",
            valid: { $0 >= 1 }),
        Setting(
            \.maxSteps, key: "max_steps", flag: "steps", doc: "At most this many optimizer steps.",
            expectation: "an integer >= 0", valid: { $0 >= 0 }),
        Setting(
            \.evaluationInterval, key: "evaluation_interval", flag: "eval-every",
            doc: "Evaluate the dev queries every N steps.",
            expectation: "an integer >= 1", valid: { $0 >= 1 }),
        Setting(
            \.patience, key: "patience", doc: "Stop after N dev evaluations without improvement.",
            expectation: "an integer >= 1", valid: { $0 >= 1 }),
        Setting(
            \.devFraction, key: "dev_fraction",
            doc: "Fraction of the labeled queries in the hold-out dev set (folds: 1).",
            expectation: "a fraction in (0, 1)", valid: { $0 > 0 && $0 < 1 }),
        Setting(
            \.devSplit, key: "dev_split",
            doc: "document-disjoint (no dev query shares a relevant document with a training query) or random.",
            expectation: choices(AdaptDevSplit.self)),
        Setting(
            \.minDevQueries, key: "min_dev_queries", doc: "At least this many hold-out dev queries (folds: 1).",
            expectation: "an integer >= 1", valid: { $0 >= 1 }),
        Setting(
            \.folds, key: "folds",
            doc:
                "Dev folds for choosing the steps: k > 1 k-fold, 1 one hold-out set (dev_fraction), 0 no choice (max_steps); default 5.",
            expectation: "an integer from 0 to \(AdaptSettings.maxFolds)", unset: "5",
            valid: { $0.map { (0...AdaptSettings.maxFolds).contains($0) } ?? true }),
        Setting(
            \.objective, key: "objective",
            doc:
                "What the dev folds choose for: new-documents (document-disjoint folds), recurring (random folds), or balanced (the best on random folds among candidates at most balanced_tolerance below the reference on document-disjoint folds).",
            expectation: choices(AdaptSelectionObjective.self),
            unset: "balanced with the index model's queries; without them, steps chosen on dev_split folds"),
        Setting(
            \.hybridAlpha, key: "alpha",
            doc:
                "a of the hybrid start W = a W1, V = (1 - a) I, b = a b1 that trained hybrid maps begin from (index model's queries only).",
            expectation: "a number in [0, 1]", unset: "\(AdaptSettings.defaultHybridAlpha)",
            valid: { $0.map { $0 >= 0 && $0 <= 1 } ?? true }),
        Setting(
            \.candidateAlphas, key: "alphas",
            doc: "The label-free mixes compared on the dev folds, besides the index as it is and stage one.",
            expectation: "a list of numbers in [0, 1]", unset: "\(AdaptSettings.defaultCandidateAlphas)",
            valid: { $0.map { $0.allSatisfy { $0 >= 0 && $0 <= 1 } } ?? true }),
        Setting(
            \.penalties, key: "penalties",
            doc:
                "Penalties lambda the trained candidates are trained with, one set of fold runs each (with the index model's queries, or a retired index model).",
            expectation: "a non-empty list of numbers >= 0",
            unset:
                "\(AdaptSettings.defaultHybridPenalties(for: .linear)) with the index model's queries, \(AdaptSettings.defaultRetiredPenalties(for: .linear)) with a retired index model (rotations [0]); else [regularization]",
            valid: { $0.map { !$0.isEmpty && $0.allSatisfy { $0.isFinite && $0 >= 0 } } ?? true }),
        Setting(
            \.interpolations, key: "interpolations",
            doc:
                "Weights t of the interpolated candidates (1 - t) f_start + t f_trained compared on the dev folds (not for rotations).",
            expectation: "a list of numbers in (0, 1)",
            unset:
                "\(AdaptSettings.defaultRetiredInterpolations(for: .linear)) with a retired index model, else none",
            valid: { $0.map { $0.allSatisfy { $0 > 0 && $0 < 1 } } ?? true }),
        Setting(
            \.finalMap, key: "final_map",
            doc:
                "How the final map is built when the dev folds choose a trained candidate: refit (retrain on every labeled query, as many passes as the folds took), refit-fold-steps (retrain for the chosen steps as they are: fewer passes) or fold-average (the mean of the fold maps at the chosen steps).",
            expectation: choices(AdaptFinalMap.self), unset: "refit"),
        Setting(
            \.balancedTolerance, key: "balanced_tolerance",
            doc:
                "How far below the reference (the index as it is, or stage one) on the document-disjoint dev folds the balanced objective admits a candidate; 0 admits none below it.",
            expectation: "a number in [0, 1]",
            unset:
                "\(AdaptSelection.stageOneBalancedTolerance) against stage one (no index-model queries), \(AdaptSelection.balancedTolerance) against the index as it is",
            valid: { $0.map { $0 >= 0 && $0 <= 1 } ?? true }),
    ]
}
