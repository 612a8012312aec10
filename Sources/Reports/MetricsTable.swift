import EmbeddingIO

/// The evaluation of baselines and maps on the same queries: one row per baseline or stage,
/// one column per (subset, metric).
public struct MetricsTable: Sendable, Codable, Hashable {
    /// Column metrics in display order, e.g. `["ndcg@10", "recall@100", "mrr@10"]`.
    public var metrics: [String]
    /// Query subsets in display order, e.g. all test queries and the "unseen" ones.
    public var subsets: [QuerySubset]
    public var rows: [MetricsRow]
    /// The row every significance entry compares against.
    public var comparedTo: String?
    /// Set when the index model is retired: the verdict then asks whether the best map is no worse
    /// than the index as it was (`index-as-is`), within this margin of the tested metric.
    public var upgradeMargin: Double?

    public init(metrics: [String], subsets: [QuerySubset], rows: [MetricsRow], comparedTo: String? = nil) {
        self.metrics = metrics
        self.subsets = subsets
        self.rows = rows
        self.comparedTo = comparedTo
    }

    enum CodingKeys: String, CodingKey {
        case metrics, subsets, rows
        case comparedTo = "compared_to", upgradeMargin = "upgrade_margin"
    }

    /// Also reads the camelCase keys of stage records written before the keys were snake_case.
    public init(from decoder: any Decoder) throws {
        let c = try SnakeCaseKeys(decoder)
        metrics = try c.decode("metrics")
        subsets = try c.decode("subsets")
        rows = try c.decode("rows")
        comparedTo = try c.decodeIfPresent("compared_to")
        upgradeMargin = try c.decodeIfPresent("upgrade_margin")
    }
}

/// A named set of evaluation queries.
public struct QuerySubset: Sendable, Codable, Hashable {
    /// Short key, e.g. `all` or `unseen`.
    public var name: String
    /// Number of queries scored (those with at least one relevant document).
    public var queries: Int
    /// One line for the report, e.g. "test queries whose relevant documents no labeled query cites".
    public var description: String

    public init(name: String, queries: Int, description: String) {
        self.name = name
        self.queries = queries
        self.description = description
    }
}

/// One baseline or map in a `MetricsTable`.
public struct MetricsRow: Sendable, Codable, Hashable {
    public enum Role: String, Sendable, Codable, Hashable {
        case baseline, stage
    }

    /// The stage name or baseline name (`index-as-is`, ...).
    public var name: String
    public var role: Role
    /// `values[subset][metric]`: the mean over the subset's queries.
    public var values: [String: [String: Double]]
    /// Paired tests of this row against `MetricsTable.comparedTo` (empty for that row itself).
    public var significance: [SignificanceEntry]

    public init(name: String, role: Role, values: [String: [String: Double]], significance: [SignificanceEntry] = []) {
        self.name = name
        self.role = role
        self.values = values
        self.significance = significance
    }
}

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

/// The budget curve of a sweep: a metric against the number of labeled queries, one series per
/// query subset (all evaluation queries, the unseen ones), with reference lines per subset.
public struct SweepCurve: Sendable, Codable, Hashable {
    public var metric: String
    public var series: [SweepSeries]
    /// Horizontal reference lines (stage one, the index as it is, ...), each for one subset.
    public var references: [ReferenceLine]

    public init(metric: String, series: [SweepSeries], references: [ReferenceLine]) {
        self.metric = metric
        self.series = series
        self.references = references
    }
}

/// The points of one query subset.
public struct SweepSeries: Sendable, Codable, Hashable {
    /// `all` or `unseen`.
    public var subset: String
    public var points: [SweepPoint]

    public init(subset: String, points: [SweepPoint]) {
        self.subset = subset
        self.points = points
    }
}

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

public struct ReferenceLine: Sendable, Codable, Hashable {
    public var label: String
    /// The subset the value is measured on.
    public var subset: String
    public var value: Double

    public init(label: String, subset: String, value: Double) {
        self.label = label
        self.subset = subset
        self.value = value
    }
}
