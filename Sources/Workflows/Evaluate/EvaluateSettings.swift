import Retrieval
import Settings

/// What an evaluation measures and tests, declared once for `era evaluate`, the evaluate stage and
/// the docs. What names inputs (the maps, baselines and reference row of a pipeline; the files and
/// `--k` cutoffs of the CLI) stays with each front end.
public struct EvaluateSettings: DeclaredSettings, Hashable, Encodable {
    /// Metric names `name@k` (Retrieval's `IRMetrics.families`), in table order.
    public var metrics = ["ndcg@10", "recall@100", "mrr@10", "map@100", "p@10"]
    /// Report the evaluation queries none of whose relevant documents any labeled query cites.
    public var unseen = true
    /// Test every row against the reference row per query.
    public var significance = true
    /// Sign flips and bootstrap resamples of each paired test.
    public var significanceTrials = 10_000
    /// Level of the bootstrap interval.
    public var confidence = 0.95
    /// Drop the evaluation queries that the labeled qrels label too (else the check fails and
    /// withholds the verdict).
    public var excludeLabeled = false
    /// BEIR's rule: a query does not retrieve the document that has its own id.
    public var ignoreIdenticalIds = false
    /// The upgrade verdict's margin and the gate.
    public var verdict = VerdictSettings()

    public init() {}

    /// `name@k` with a known name and k >= 1, lowercased (`precision@k` reads as `p@k`); nil otherwise.
    public static func normalizedMetric(_ text: String) -> String? {
        let parts = text.lowercased().split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[1]), k >= 1 else { return nil }
        let family = parts[0] == "precision" ? "p" : String(parts[0])
        return IRMetrics.families.contains(family) ? "\(family)@\(k)" : nil
    }

    /// Every metric name at these cutoffs, in table order (`era evaluate --k`).
    public static func metrics(cutoffs: [Int]) -> [String] { IRMetrics.metricNames(cutoffs: cutoffs) }

    /// What a metric name must look like, for messages.
    public static let metricExpectation =
        "a metric name@k with name in \(IRMetrics.families.joined(separator: ", ")) and k >= 1"

    /// In the order the evaluate stage has always read and written its keys.
    public static let settings: [Setting<EvaluateSettings>] =
        [
            Setting(
                \.metrics, key: "metrics",
                doc:
                    "Metrics name@k in table order: name in ndcg, recall, p (precision; precision@k is accepted), mrr, map (trec_eval's map_cut).",
                expectation: "a list of metric names name@k, name in \(IRMetrics.families.joined(separator: ", "))",
                valid: { $0.allSatisfy { normalizedMetric($0) != nil } }),
            Setting(
                \.unseen, key: "unseen",
                doc:
                    "Also report the evaluation queries none of whose relevant documents any labeled query cites (needs the labeled qrels).",
                expectation: "true or false"),
            Setting(
                \.excludeLabeled, key: "exclude_labeled",
                doc:
                    "Drop the evaluation queries that the labeled (training) qrels label too, since a map trained on them looks better than it is; else the check labeled-not-evaluated fails and withholds the verdict. The check says how many were dropped.",
                expectation: "true or false"),
        ] + VerdictSettings.settings.map { $0.lifted(\EvaluateSettings.verdict) }
        + [
            Setting(
                \.significance, key: "significance", doc: "Paired tests of every row against the reference row.",
                expectation: "true or false"),
            Setting(
                \.significanceTrials, key: "significance_trials",
                doc: "Randomization sign flips and bootstrap resamples of each paired test.",
                expectation: PairedSignificance.trialsExpectation, valid: PairedSignificance.validTrials),
            Setting(
                \.confidence, key: "confidence",
                doc:
                    "Level of the bootstrap interval (the upgrade verdict's switch rule is stated at 0.95: a lower level is said in its sentence).",
                expectation: "a number in (0, 1)", valid: { $0 > 0 && $0 < 1 }),
            Setting(
                \.ignoreIdenticalIds, key: "ignore_identical_ids",
                doc: "BEIR's rule: a query may not retrieve the document that has its own id.",
                expectation: "true or false"),
        ]

    /// The workflow's settings: these, the reference row and the seed of the paired tests.
    public func workflowSettings(reference: String?, seed: UInt64 = 0) -> EvaluateWorkflow.Settings {
        var settings = EvaluateWorkflow.Settings(metrics: metrics, reference: reference)
        settings.significance = significance
        settings.trials = significanceTrials
        settings.confidence = confidence
        settings.seed = seed
        settings.unseen = unseen
        settings.excludeLabeled = excludeLabeled
        settings.ignoreIdenticalIds = ignoreIdenticalIds
        return settings
    }

    public func encode(to encoder: any Encoder) throws {
        try encodeDeclared(to: encoder)
    }
}
