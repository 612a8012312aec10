import Foundation

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
