import Foundation
import Yams

/// What the runner tells its caller while it works (the CLI prints these).
public enum RunEvent: Sendable, Hashable {
    /// Hashing an input file: `done` of `total` bytes.
    case hashing(path: String, done: Int64, total: Int64)
    case stageSkipped(String)
    /// A stage starts; `reason` says why it runs (new, changed, forced, ...).
    case stageStarted(String, reason: String)
    case stageProgress(ProgressEvent)
    case stageFinished(String, seconds: Double)
    /// A run-level file was written (manifest, metrics, reports).
    case wrote(URL)
}
