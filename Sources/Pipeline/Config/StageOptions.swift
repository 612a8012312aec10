import Workflows
import Alignment

// Typed options of each stage kind. Defaults here are the documented defaults (docs/pipelines.md);
// the stage implementations own their meaning and may refine the values.

/// Options of stage one (`kind: align`): the settings of Alignment's `AlignmentConfiguration`
/// under snake_case keys, plus the alignment sample size. Defaults are the trainer's own.
public struct AlignOptions: Sendable, Hashable, Encodable {
    public var initialization: AlignmentConfiguration.WarmStart
    /// Procrustes centering: `mean` (robust to anisotropic models) or `none`.
    public var centering: Centering
    /// Refinement of the unbalanced (p > m) Procrustes problem.
    public var refinement: ProcrustesSettings.Refinement
    /// At most this many refinement steps.
    public var procrustesIterations: Int
    public var family: MapFamily
    public var loss: AlignmentConfiguration.Loss
    /// InfoNCE temperature tau (> 0).
    public var temperature: Double
    public var negatives: AlignmentConfiguration.Negatives
    /// Adds InfoNCE's target-to-source term.
    public var symmetric: Bool
    public var optimizer: AlignmentConfiguration.Optimizer
    public var learningRate: Double
    /// Weight decay; nil: 0.01 with AdamW, 0 with Adam (as `era align`).
    public var weightDecay: Double?
    public var batchSize: Int
    /// Refinement epochs after the warm start; 0 keeps the warm start.
    public var epochs: Int
    /// Fraction of alignment pairs held out to pick the epoch, in [0, 1).
    public var holdout: Double
    public var stoppingMetric: AlignmentConfiguration.StoppingMetric
    /// Epochs without held-out improvement before stopping (0: never stop early).
    public var patience: Int
    public var shuffle: Bool
    /// Use this many alignment pairs (sampled with the stage's seed); nil uses all.
    public var samples: Int?

    public init() {
        let c = AlignmentConfiguration()
        initialization = c.warmStart
        centering = c.procrustes.centering
        refinement = c.procrustes.refinement
        procrustesIterations = c.procrustes.maxIterations
        family = c.family
        loss = c.loss
        temperature = c.temperature
        negatives = c.negatives
        symmetric = c.symmetric
        optimizer = c.optimizer
        learningRate = c.learningRate
        batchSize = c.batchSize
        epochs = c.epochs
        holdout = c.heldOutFraction
        stoppingMetric = c.stoppingMetric
        patience = c.patience
        shuffle = c.shuffle
    }

    /// The trainer's settings for these options, seeded with the stage's seed.
    public func configuration(seed: UInt64) -> AlignmentConfiguration {
        var c = AlignmentConfiguration()
        c.warmStart = initialization
        c.procrustes = ProcrustesSettings(centering: centering, refinement: refinement,
                                          maxIterations: procrustesIterations)
        c.family = family
        c.loss = loss
        c.temperature = temperature
        c.negatives = negatives
        c.symmetric = symmetric
        c.optimizer = optimizer
        c.learningRate = learningRate
        c.weightDecay = weightDecay ?? AlignmentConfiguration.defaultWeightDecay(for: optimizer)
        c.batchSize = batchSize
        c.epochs = epochs
        c.heldOutFraction = holdout
        c.stoppingMetric = stoppingMetric
        c.patience = patience
        c.shuffle = shuffle
        c.seed = seed
        return c
    }

    enum CodingKeys: String, CodingKey {
        case initialization = "init", centering, refinement, procrustesIterations = "procrustes_iterations", family
        case loss, temperature, negatives, symmetric, optimizer
        case learningRate = "learning_rate", weightDecay = "weight_decay", batchSize = "batch_size"
        case epochs, holdout, stoppingMetric = "stopping_metric", patience, shuffle, samples
    }
}

/// Options of stage two (`kind: adapt`): the settings of Alignment's `AdaptSettings` under
/// snake_case keys (defaults are the trainer's own), plus the align stage to start from.
public struct AdaptOptions: Sendable, Hashable, Encodable {
    public enum MapFamily: String, Sendable, Hashable, CaseIterable, Encodable {
        /// f(x) = (W1 + Delta) x + (b1 + delta).
        case linear
        /// f(x) = R f1(x) with R in SO(m) (Cayley).
        case rotation
        /// f(x) = (W1 + U V) x + (b1 + delta), rank `rank`.
        case lowRank = "low-rank"
    }
    public enum Negative: String, Sendable, Hashable, CaseIterable, Encodable {
        case hard, random
        case inBatch = "in-batch"
    }

    /// The align stage whose map this stage starts from (default: the nearest align stage before it).
    public var from: String
    /// Number of labeled queries used; nil uses all of `data.qrels.labeled`.
    public var budget: Int?
    public var map: MapFamily
    /// Rank of the low-rank residual (`map: low-rank` only).
    public var rank: Int
    /// Kinds of negatives, combined.
    public var negatives: [Negative]
    /// Hard and random negatives per labeled pair.
    public var numNegatives: Int
    /// Candidates mined from the index per query for hard negatives.
    public var hardPool: Int
    /// Candidates scoring above this fraction of the positive's score are dropped as likely unlabeled positives.
    public var falseNegativeMargin: Double
    public var temperature: Double
    /// lambda of lambda ||W - W1||_F^2; nil: the value chosen for the map family
    /// (`AdaptSettings.defaultPenalty(for:)`: 3 for linear maps, 0 for rotations).
    public var regularization: Double?
    public var learningRate: Double
    /// AdamW decoupled weight decay (toward stage one).
    public var weightDecay: Double
    public var batchSize: Int
    public var maxSteps: Int
    /// Dev nDCG@10 every this many steps.
    public var evaluationInterval: Int
    /// Evaluations without dev improvement before stopping.
    public var patience: Int
    public var devFraction: Double
    public var devSplit: AdaptDevSplit
    /// Fewer dev queries than this from `dev_fraction` means 5-fold selection.
    public var minDevQueries: Int
    /// Dev folds: 1 hold-out, k > 1 k-fold, 0 no selection; nil: the trainer's default (5).
    public var folds: Int?

    public init(from: String) {
        self.from = from
        let s = AdaptSettings()
        map = .linear
        rank = 16
        var kinds: [Negative] = []
        if s.negatives.hard > 0 { kinds.append(.hard) }
        if s.negatives.random > 0 { kinds.append(.random) }
        if s.negatives.inBatch { kinds.append(.inBatch) }
        negatives = kinds
        numNegatives = max(s.negatives.hard, s.negatives.random)
        hardPool = s.hardPool
        falseNegativeMargin = s.falseNegativeMargin
        temperature = s.temperature
        regularization = nil
        learningRate = s.learningRate
        weightDecay = s.weightDecay
        batchSize = s.batchSize
        maxSteps = s.maxSteps
        evaluationInterval = s.evaluationInterval
        patience = s.patience
        devFraction = s.devFraction
        devSplit = s.devSplit
        minDevQueries = s.minDevQueries
        folds = s.folds
    }

    /// The trainer's settings for these options, seeded.
    public func settings(seed: UInt64) -> AdaptSettings {
        let family: AdaptMapFamily = switch map {
        case .linear: .linear
        case .rotation: .rotation
        case .lowRank: .lowRank(rank: rank)
        }
        let count = numNegatives
        return AdaptSettings(
            family: family,
            negatives: AdaptNegatives(random: negatives.contains(.random) ? count : 0,
                                      hard: negatives.contains(.hard) ? count : 0,
                                      inBatch: negatives.contains(.inBatch)),
            hardPool: hardPool, falseNegativeMargin: falseNegativeMargin, temperature: temperature,
            penalty: regularization, learningRate: learningRate, weightDecay: weightDecay, batchSize: batchSize,
            maxSteps: maxSteps, evaluationInterval: evaluationInterval, patience: patience, devFraction: devFraction,
            minDevQueries: minDevQueries, folds: folds, devSplit: devSplit, budget: budget, seed: seed)
    }

    enum CodingKeys: String, CodingKey {
        case from, budget, map, rank, negatives
        case numNegatives = "num_negatives", hardPool = "hard_pool", falseNegativeMargin = "false_negative_margin"
        case temperature, regularization, learningRate = "learning_rate", weightDecay = "weight_decay"
        case batchSize = "batch_size", maxSteps = "max_steps", evaluationInterval = "evaluation_interval", patience
        case devFraction = "dev_fraction", devSplit = "dev_split", minDevQueries = "min_dev_queries", folds
    }
}

/// Options of `kind: evaluate`.
public struct EvaluateOptions: Sendable, Hashable, Encodable {
    public enum Baseline: String, Sendable, Hashable, CaseIterable, Encodable {
        /// D's own query embeddings against the index (needs `data.queries.index_model_embeddings`).
        case indexZeroShot = "index-zero-shot"
        /// Q's query embeddings against Q's document embeddings (needs `data.index.query_model_embeddings`).
        case queryModelUpperBound = "query-model-upper-bound"
        /// Raw Procrustes map, no refinement (needs `data.alignment`).
        case procrustes
    }

    /// Stages whose maps are scored (default: every align and adapt stage before this one).
    public var maps: [String]
    /// Baselines scored beside them (default: every baseline the data allows).
    public var baselines: [Baseline]
    /// Metric names `name@k`, name in ndcg, recall, p (precision), mrr, map (trec_eval's map_cut).
    public var metrics: [String] = ["ndcg@10", "recall@100", "mrr@10", "map@100", "p@10"]
    /// Also report the test queries whose relevant documents no labeled query cites.
    public var unseen = true
    /// Test every row against `compare_to` per query: paired randomization p-value and bootstrap interval.
    public var significance = true
    /// Sign flips and bootstrap resamples drawn by the paired tests.
    public var significanceTrials = 10_000
    /// Level of the bootstrap interval, in (0, 1).
    public var confidence = 0.95
    /// Row every other row is tested against (a stage or baseline name; default: the first map).
    public var compareTo: String?

    public init(maps: [String], baselines: [Baseline]) {
        self.maps = maps
        self.baselines = baselines
    }

    enum CodingKeys: String, CodingKey {
        case maps, baselines, metrics, unseen, significance
        case significanceTrials = "significance_trials", confidence, compareTo = "compare_to"
    }
}

/// Options of `kind: sweep`: Alignment's `AdaptSweep` over budgets and seeds, nDCG@10 on all
/// evaluation queries and on the unseen subset, paired tests against stage one.
public struct SweepOptions: Sendable, Hashable, Encodable {
    /// The adapt stage whose options are repeated at each budget (default: the nearest adapt stage before it).
    public var adapt: String
    /// Label budgets (numbers of labeled queries), the x axis of the budget chart.
    public var budgets: [Int] = [10, 25, 50, 100, 200]
    /// Also train on every labeled query (the last point of the curve).
    public var includeAll = true
    /// Runs per budget with different seeds (mean and sd are reported).
    public var repeats = 3
    /// Sign flips and bootstrap resamples of the paired tests.
    public var significanceTrials = 10_000

    public init(adapt: String) {
        self.adapt = adapt
    }

    enum CodingKeys: String, CodingKey {
        case adapt, budgets, includeAll = "include_all", repeats, significanceTrials = "significance_trials"
    }
}

/// Options of `kind: export`.
public struct ExportOptions: Sendable, Hashable, Encodable {
    public typealias Format = ExportWorkflow.Format

    /// The align or adapt stage whose map is exported (default: the nearest adapt stage before it,
    /// else the nearest align stage).
    public var map: String
    public var formats: [Format] = [.safetensors]
    /// Base name of the adapter file(s) in the stage folder (no directory, no extension).
    public var file = "adapter"

    public init(map: String) {
        self.map = map
    }
}
