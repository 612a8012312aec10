import Workflows

/// Options of `kind: evaluate`.
public struct EvaluateOptions: Sendable, Hashable, Encodable {
    public enum Baseline: String, Sendable, Hashable, CaseIterable, Codable {
        /// D's own query embeddings against the index (needs `data.queries.index_model_embeddings`).
        case indexAsIs = "index-as-is"
        /// Q's query embeddings against Q's document embeddings (needs `data.index.query_model_embeddings`).
        case reEmbedded = "re-embedded"
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
    /// Drop the evaluation queries that `data.qrels.labeled` labels too (else the check
    /// `labeled-not-evaluated` fails and withholds the verdict).
    public var excludeLabeled = false
    /// The upgrade verdict's margin (`non_inferiority_margin`, used when `models.index.retired`)
    /// and `gate` (`era run` exits with the verdict's status).
    public var verdict = VerdictSettings()

    public init(maps: [String], baselines: [Baseline]) {
        self.maps = maps
        self.baselines = baselines
    }

    enum CodingKeys: String, CodingKey {
        case maps, baselines, metrics, unseen, significance
        case significanceTrials = "significance_trials", confidence, compareTo = "compare_to"
        case excludeLabeled = "exclude_labeled"
        case nonInferiorityMargin = "non_inferiority_margin", gate
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(maps, forKey: .maps)
        try container.encode(baselines, forKey: .baselines)
        try container.encode(metrics, forKey: .metrics)
        try container.encode(unseen, forKey: .unseen)
        try container.encode(significance, forKey: .significance)
        try container.encode(significanceTrials, forKey: .significanceTrials)
        try container.encode(confidence, forKey: .confidence)
        try container.encodeIfPresent(compareTo, forKey: .compareTo)
        // Written only when set, so the fingerprints of pipelines without it stay as they were.
        if excludeLabeled { try container.encode(excludeLabeled, forKey: .excludeLabeled) }
        if verdict.margin != VerdictSettings().margin {
            try container.encode(verdict.margin, forKey: .nonInferiorityMargin)
        }
        if verdict.gate { try container.encode(verdict.gate, forKey: .gate) }
    }
}
