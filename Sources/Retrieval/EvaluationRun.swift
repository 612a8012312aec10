/// Everything one evaluation produced.
public struct EvaluationRun: Sendable, Hashable {
    /// Per-query measures of the evaluated queries and their means.
    public var report: EvaluationReport
    /// Query id -> retrieved document ids, best first (depth = max(100, max cutoff)).
    public var rankings: [String: [String]]
    /// Wall times of mapping and search.
    public var timing: EvaluationTiming
    /// Counts of qrels queries and judgments that could not be evaluated.
    public var warnings: EvaluationWarnings
}
