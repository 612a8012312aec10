import EmbeddingIO
import Foundation
import LinearAlgebra

/// What the trainer reports while it works (the CLI prints these to stderr).
public enum AdaptEvent: Sendable, Hashable {
    /// Labeled queries drawn and split: `folds` dev sets (1: hold-out, more: k-fold for tiny budgets).
    case prepared(labeledQueries: Int, pairs: Int, folds: Int, devQueries: Int)
    /// Hard negatives mined with the stage-one map.
    case mined(seconds: Double)
    /// A dev evaluation during step selection: nDCG@10 over the dev queries of every fold after `step`
    /// steps, and the mean training objective of the steps since the last evaluation.
    case evaluated(step: Int, trainingLoss: Double?, devNDCG10: Double)
    /// The number of steps the final run takes: the best dev step, scaled from the folds' pairs to all
    /// pairs (same number of passes; `scaled` false: the chosen step as it is, ``AdaptFinalMap/refitFoldSteps``);
    /// 0 keeps stage one. With `foldMaps` (``AdaptFinalMap/foldAverage``) there is no final run: that many
    /// fold maps are replayed to the chosen `step` and averaged.
    case selected(step: Int, devNDCG10: Double, stageOneDevNDCG10: Double, foldMaps: Int? = nil, scaled: Bool = true)
    /// The final map trained on every labeled query for the chosen number of steps, or (`foldMaps`) the
    /// mean of that many fold maps at those steps.
    case finished(steps: Int, seconds: Double, foldMaps: Int? = nil)
}

/// One dev evaluation during step selection (over the dev queries of every fold).
public struct AdaptCheckpoint: Sendable, Hashable, Codable {
    public var step: Int
    /// Mean nDCG@10 over every dev query of every fold (the folds the objective scores on).
    public var devNDCG10: Double
    public var devQueries: Int
    /// The penalty of the run (nil before objectives: the settings' penalty).
    public var penalty: Double?
    /// Both fold kinds' figures when the objective is `balanced` (nil when those folds were not run).
    public var documentDisjointDevNDCG10: Double?
    public var randomDevNDCG10: Double?

    /// A figure is named after its metric, as everywhere era writes one (`ndcg@10`).
    enum CodingKeys: String, CodingKey {
        case step, devNDCG10 = "dev_ndcg@10", devQueries = "dev_queries", penalty
        case documentDisjointDevNDCG10 = "document_disjoint_dev_ndcg@10", randomDevNDCG10 = "random_dev_ndcg@10"
    }
}

/// The outcome of ``AdaptTrainer/train(_:settings:progress:)``.
public struct AdaptResult: Sendable {
    /// The adapted query map (stage one when no step beat it on the dev queries). With index-model
    /// queries it is the hybrid map as one affine map on concatenated rows [x y] (`m x (p + m)`, see
    /// ``HybridMap/concatenated``); ``hybrid`` holds the same map split into W, V and b.
    public var map: AffineMap<Float>
    /// The result as a hybrid map, whenever the problem has index-model queries (whatever was chosen:
    /// stage one alone is V = 0, the index as it is W = 0, V = I); nil otherwise.
    public var hybrid: HybridMap<Float>?
    /// R for ``AdaptMapFamily/rotation`` (the map is R f1), nil otherwise.
    public var rotation: Matrix?
    public var settings: AdaptSettings
    /// The labeled queries drawn for the budget, byte-wise sorted.
    public var labeledQueries: [String]
    /// Dev queries of each fold.
    public var devQueries: [[String]]
    /// Labeled (query, positive) pairs.
    public var pairs: Int
    /// Dev curve (step 0 = stage one).
    public var checkpoints: [AdaptCheckpoint]
    /// Steps taken by the final run (the best dev step scaled to all pairs).
    public var selectedSteps: Int
    /// The mean number of pairs a dev fold trained on, which scaled the chosen step count to
    /// ``selectedSteps`` (nil when no trained candidate was chosen).
    public var foldTrainingPairs: Double? = nil
    /// The fold maps at the chosen steps that the final map is the mean of (``AdaptFinalMap/foldAverage``
    /// with a trained choice); nil when the final map was retrained or is label-free.
    public var averagedFoldMaps: [AffineMap<Float>]? = nil
    /// Stage one's and the returned map's dev figure under the objective (random folds for `recurring`
    /// and `balanced`, document-disjoint folds for `new-documents`).
    public var stageOneDevNDCG10: Double
    public var selectedDevNDCG10: Double
    public var seconds: Double
    /// The objective the choice was made with (nil: step selection on `devSplit` folds, as before objectives).
    public var objective: AdaptSelectionObjective?
    /// Every candidate with its dev scores, label-free ones first (empty without dev folds).
    public var candidates: [AdaptCandidate] = []
    /// The returned candidate and the reference (the index as it is with index-model queries, else stage
    /// one); nil without dev folds.
    public var chosen: AdaptCandidate?
    public var reference: AdaptCandidate?
    /// True when no candidate beat the reference on the dev folds, so the reference itself was returned.
    public var returnedReference = false
    /// Where the trained hybrid candidates began (nil without index-model queries).
    public var hybridStart: HybridStart?
    /// The random folds' dev queries (objectives `recurring` and `balanced`; for `recurring` they are also
    /// ``devQueries``).
    public var randomDevQueries: [[String]] = []
}
