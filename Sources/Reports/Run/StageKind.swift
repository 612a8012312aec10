/// The kinds of work a stage can do.
public enum StageKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// Stage one: learn the map from texts embedded by both models, without labels.
    case align
    /// Stage two: adapt the stage-one map with a budget of labeled queries.
    case adapt
    /// Score baselines and maps on the evaluation queries.
    case evaluate
    /// Adapt at several label budgets, several seeds each; the budget curve.
    case sweep
    /// Write a map as an adapter file.
    case export
}
