import EmbeddingIO
import Foundation
import Reports
import Workflows

/// The work of one stage kind (align, adapt, evaluate, sweep, export), plugged into the runner.
///
/// Contract:
/// - Write every artifact into `context.directory` (a private staging folder). The runner moves
///   the whole folder to `runs/<pipeline>/<stage>/` only after `run` returns, so a killed run
///   never leaves a half-written stage behind, whatever way the files were written.
/// - Return the artifact file names (relative to the folder) in `StageOutput.artifacts`; the
///   runner checks they exist before committing the stage.
/// - Be deterministic given `context.seed` and the inputs: a re-run must give the same output.
/// - Read the outputs of the stages this one depends on from `context.dependencies`.
/// - Report progress through `context.progress` for anything that takes more than a second or two.
public protocol StageRunner: Sendable {
    func run(stage: StageConfig, context: StageContext) throws -> StageOutput
}

/// The stage runners available, by kind. The CLI's registry holds the real implementations; a
/// kind without a runner makes `PipelineRunner` refuse the pipeline before any work.
public struct StageRegistry: Sendable {
    public var runners: [StageKind: any StageRunner]

    public init(_ runners: [StageKind: any StageRunner] = [:]) {
        self.runners = runners
    }

    public subscript(kind: StageKind) -> (any StageRunner)? {
        get { runners[kind] }
        set { runners[kind] = newValue }
    }
}

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

/// A finished stage as a later stage sees it.
public struct CompletedStage: Sendable, Hashable {
    public var name: String
    public var kind: StageKind
    /// The stage's folder in the run directory.
    public var directory: URL
    public var output: StageOutput
    public var fingerprint: String

    public init(name: String, kind: StageKind, directory: URL, output: StageOutput, fingerprint: String) {
        self.name = name
        self.kind = kind
        self.directory = directory
        self.output = output
        self.fingerprint = fingerprint
    }

    /// The file of an artifact role, if the stage produced one.
    public func artifact(_ role: String) -> URL? {
        output.artifacts[role].map { directory.appendingPathComponent($0) }
    }
}

/// Everything a stage needs to run.
public struct StageContext: Sendable {
    public let config: PipelineConfig
    /// Private staging folder for this attempt: write artifacts here.
    public let directory: URL
    /// Every stage this one depends on, directly or through others, by name (a sweep reaches the
    /// align stage its adapt stage starts from).
    public let dependencies: [String: CompletedStage]
    /// This stage's seed, derived from the pipeline seed and the stage name (stable across runs).
    public let seed: UInt64
    /// Appends lines to the stage's `log.txt`.
    public let log: StageLog
    /// Reports progress to the user.
    public let progress: StageProgress
    /// What the stages of one run share: decoded input files and the maps made so far.
    public let shared: Shared

    public init(
        config: PipelineConfig, directory: URL, dependencies: [String: CompletedStage], seed: UInt64,
        log: StageLog, progress: StageProgress, shared: Shared = Shared()
    ) {
        self.config = config
        self.directory = directory
        self.dependencies = dependencies
        self.seed = seed
        self.log = log
        self.progress = progress
        self.shared = shared
    }

    /// Where to write an artifact named `name` (in the staging folder).
    public func artifactURL(_ name: String) -> URL {
        directory.appendingPathComponent(name)
    }

    /// Writes an artifact atomically into the staging folder.
    public func write(_ data: Data, to name: String) throws {
        try AtomicFile.write(data, to: artifactURL(name))
    }
}

/// A line sink for a stage's `log.txt`.
public struct StageLog: Sendable {
    private let sink: @Sendable (String) -> Void

    public init(_ sink: @escaping @Sendable (String) -> Void) {
        self.sink = sink
    }

    /// Appends one line.
    public func callAsFunction(_ line: String) {
        sink(line)
    }
}

/// Progress of a long step inside a stage: `completed` of `total` units (epochs, batches, queries).
public struct ProgressEvent: Sendable, Hashable {
    public var stage: String
    public var completed: Int
    /// Nil when the total is unknown.
    public var total: Int?
    public var message: String

    public init(stage: String, completed: Int, total: Int?, message: String) {
        self.stage = stage
        self.completed = completed
        self.total = total
        self.message = message
    }

    /// Completed fraction in [0, 1], nil when the total is unknown or zero.
    public var fraction: Double? {
        guard let total, total > 0 else { return nil }
        return min(1, max(0, Double(completed) / Double(total)))
    }
}

/// The progress reporter handed to a stage.
public struct StageProgress: Sendable {
    let stage: String
    let handler: @Sendable (ProgressEvent) -> Void

    public init(stage: String, handler: @escaping @Sendable (ProgressEvent) -> Void) {
        self.stage = stage
        self.handler = handler
    }

    public func callAsFunction(completed: Int, total: Int?, _ message: String = "") {
        handler(ProgressEvent(stage: stage, completed: completed, total: total, message: message))
    }
}
