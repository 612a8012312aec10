import EmbeddingIO
import Foundation
import LinearAlgebra

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
