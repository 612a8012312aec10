import Foundation
import Reports

/// What a stage produced.
public struct StageOutput: Sendable, Codable, Hashable {
    /// Artifact files by role, e.g. `["map": "map.safetensors"]`; names are relative to the stage folder.
    public var artifacts: [String: String]
    /// The evaluation table (evaluate stages).
    public var evaluation: MetricsTable?
    /// The budget curve (sweep stages).
    public var sweep: SweepCurve?
    /// Scalar results worth keeping in metrics.json (final loss, dev nDCG@10, ...).
    public var values: [String: Double]
    /// The sanity checks the stage made (nil: none); the run shows them once at its end.
    public var checks: [SanityCheck]?
    /// What the stage chose and why, one sentence each (the stage-one guardrail's map, the adapt
    /// candidate, the step scaling): logged, printed at the end of the run and put in the report,
    /// so a choice is never only in a JSON file.
    public var notes: [String]

    public init(
        artifacts: [String: String] = [:], evaluation: MetricsTable? = nil, sweep: SweepCurve? = nil,
        values: [String: Double] = [:], checks: [SanityCheck]? = nil, notes: [String] = []
    ) {
        self.artifacts = artifacts
        self.evaluation = evaluation
        self.sweep = sweep
        self.values = values
        self.checks = checks
        self.notes = notes
    }

    private enum CodingKeys: String, CodingKey { case artifacts, evaluation, sweep, values, checks, notes }

    /// The value names written before they followed the metric names (`dev_ndcg10`), and the names now.
    static let renamedValues = ["dev_ndcg10": "dev_ndcg@10", "stage_one_dev_ndcg10": "stage_one_dev_ndcg@10"]

    /// Records written before `notes` existed, or before the keys were snake_case and the values
    /// named like the metrics, still load, so their stages stay up to date.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        artifacts = try c.decode([String: String].self, forKey: .artifacts)
        evaluation = try c.decodeIfPresent(MetricsTable.self, forKey: .evaluation)
        sweep = try c.decodeIfPresent(SweepCurve.self, forKey: .sweep)
        let written = try c.decode([String: Double].self, forKey: .values)
        values = Dictionary(written.map { (Self.renamedValues[$0.key] ?? $0.key, $0.value) }) { new, _ in new }
        checks = try c.decodeIfPresent([SanityCheck].self, forKey: .checks)
        notes = try c.decodeIfPresent([String].self, forKey: .notes) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(artifacts, forKey: .artifacts)
        try c.encodeIfPresent(evaluation, forKey: .evaluation)
        try c.encodeIfPresent(sweep, forKey: .sweep)
        try c.encode(values, forKey: .values)
        try c.encodeIfPresent(checks, forKey: .checks)
        if !notes.isEmpty { try c.encode(notes, forKey: .notes) }
    }
}
