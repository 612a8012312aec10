import EmbeddingIO

/// Mean and standard deviation over the repeats at one budget, and the paired test of the
/// repeat-averaged per-query values against stage one.
public struct SweepPoint: Sendable, Codable, Hashable {
    /// Labeled queries actually used (a budget larger than the pool uses the whole pool).
    public var labeledQueries: Int
    public var mean: Double
    /// Sample standard deviation over the repeats (0 with one repeat).
    public var sd: Double
    public var repeats: Int
    /// Mean per-query difference to stage one and its randomization-test p-value, when tested.
    public var differenceToStageOne: Double?
    public var pValue: Double?

    public init(
        labeledQueries: Int, mean: Double, sd: Double, repeats: Int,
        differenceToStageOne: Double? = nil, pValue: Double? = nil
    ) {
        self.labeledQueries = labeledQueries
        self.mean = mean
        self.sd = sd
        self.repeats = repeats
        self.differenceToStageOne = differenceToStageOne
        self.pValue = pValue
    }

    enum CodingKeys: String, CodingKey {
        case labeledQueries = "labeled_queries", mean, sd, repeats
        case differenceToStageOne = "difference_to_stage_one", pValue = "p_value"
    }

    /// Also reads the camelCase keys of stage records written before the keys were snake_case.
    public init(from decoder: any Decoder) throws {
        let c = try SnakeCaseKeys(decoder)
        labeledQueries = try c.decode("labeled_queries")
        mean = try c.decode("mean")
        sd = try c.decode("sd")
        repeats = try c.decode("repeats")
        differenceToStageOne = try c.decodeIfPresent("difference_to_stage_one")
        pValue = try c.decodeIfPresent("p_value")
    }
}
