/// `metrics.json`: every stage's results, free of timestamps, so a re-run with the same inputs
/// writes the same bytes.
public struct RunMetrics: Sendable, Codable, Hashable {
    public struct StageMetrics: Sendable, Codable, Hashable {
        public var kind: StageKind
        public var values: [String: Double]
        public var evaluation: MetricsTable?
        public var sweep: SweepCurve?

        public init(kind: StageKind, values: [String: Double], evaluation: MetricsTable?, sweep: SweepCurve?) {
            self.kind = kind
            self.values = values
            self.evaluation = evaluation
            self.sweep = sweep
        }
    }

    public var pipeline: String
    /// Stage names in execution order.
    public var order: [String]
    public var stages: [String: StageMetrics]
    /// The answer to "should I use a map?": the verdict of the last evaluate stage (nil without one).
    public var verdict: Verdict?
    /// The sanity checks of every stage, each name once; a failed one withholds the verdict.
    public var checks: [SanityCheck]

    public init(pipeline: String, order: [String], stages: [String: StageMetrics], checks: [SanityCheck] = []) {
        self.pipeline = pipeline
        self.order = order
        self.stages = stages
        let checks = SanityCheck.merged(checks)
        self.checks = checks
        verdict =
            order.reversed().lazy.compactMap { stages[$0]?.evaluation.flatMap { Verdict.of($0, checks: checks) } }
            .first
    }
}
