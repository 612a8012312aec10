import EmbeddingIO
import Foundation
import Workflows

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

    /// A workflow's event in the stage's log and progress.
    func record(_ report: EventReport) {
        if let line = report.line { log(line) }
        if let progress = report.progress {
            self.progress(completed: progress.completed, total: progress.total, progress.message)
        }
    }
}
