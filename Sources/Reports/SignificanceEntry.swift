import EmbeddingIO

/// A paired comparison (this row minus the reference row) on one subset and metric.
public struct SignificanceEntry: Sendable, Codable, Hashable {
    public var subset: String
    public var metric: String
    /// Mean per-query difference, this row minus the reference.
    public var difference: Double
    /// Two-sided randomization-test p-value.
    public var pValue: Double
    /// Bootstrap interval of the difference.
    public var lower: Double
    public var upper: Double
    public var confidence: Double

    public init(
        subset: String, metric: String, difference: Double, pValue: Double,
        lower: Double, upper: Double, confidence: Double
    ) {
        self.subset = subset
        self.metric = metric
        self.difference = difference
        self.pValue = pValue
        self.lower = lower
        self.upper = upper
        self.confidence = confidence
    }

    enum CodingKeys: String, CodingKey {
        case subset, metric, difference, pValue = "p_value", lower, upper, confidence
    }

    /// Also reads `pValue`, as stage records written before the keys were snake_case have it.
    public init(from decoder: any Decoder) throws {
        let c = try SnakeCaseKeys(decoder)
        subset = try c.decode("subset")
        metric = try c.decode("metric")
        difference = try c.decode("difference")
        pValue = try c.decode("p_value")
        lower = try c.decode("lower")
        upper = try c.decode("upper")
        confidence = try c.decode("confidence")
    }
}
