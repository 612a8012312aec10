import Alignment
import Foundation
import Reports
import Workflows
import Yams

/// What a run did.
public struct RunSummary: Sendable, Hashable {
    public var runDirectory: URL
    /// Stages that ran, in order.
    public var ran: [String]
    /// Stages skipped because their fingerprint and artifacts were up to date.
    public var skipped: [String]
    public var metrics: RunMetrics
    /// How many times each input file was opened and read, by path: 1 for every file used (the
    /// checks at load, when given the same `InputFiles`, the content hashes and every stage share
    /// that read).
    public var inputReads: [String: Int] = [:]
    /// What each stage chose and why (``StageOutput/notes``), by stage, in execution order; stages
    /// without notes are left out.
    public var notes: [(stage: String, notes: [String])] = []

    public static func == (a: RunSummary, b: RunSummary) -> Bool {
        a.runDirectory == b.runDirectory && a.ran == b.ran && a.skipped == b.skipped && a.metrics == b.metrics
            && a.inputReads == b.inputReads && a.notes.map(\.stage) == b.notes.map(\.stage)
            && a.notes.map(\.notes) == b.notes.map(\.notes)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(runDirectory)
        hasher.combine(ran)
        hasher.combine(metrics)
    }
}
