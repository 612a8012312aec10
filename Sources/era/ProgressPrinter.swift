import Foundation
import Pipeline

/// Prints run events on stderr.
///
/// On a terminal, one progress bar per stage is rewritten in place. Otherwise (a log file, a CI
/// job) each stage gets a start and a finish line and the hashing of the inputs one line, because
/// a percentage every few megabytes or steps buries the lines a reader of the log looks for.
///
/// A stage may report several phases, each counting from zero (adapt: the dev curve to 1000 steps,
/// then the final training to the chosen N). The printed percentage is the stage's, kept monotone:
/// a phase that starts over continues from the percentage already shown and fills what remains, so
/// the bar never jumps back (the phase's own count is still shown beside it).
final class ProgressPrinter: @unchecked Sendable {
    private let lock = NSLock()
    private let interactive: Bool
    private let sink: (String) -> Void
    private var pendingLine = false
    private var stages: [String: StageBar] = [:]
    private var hashedAny = false

    /// The fraction shown for one stage across its phases.
    struct StageBar {
        /// Fraction shown when the current phase began: the phase fills the rest, [floor, 1].
        var floor = 0.0
        /// Last fraction shown (never decreases).
        var shown = 0.0
        /// The current phase's last count and total, to notice when a new phase starts over.
        var completed = 0
        var total: Int?

        /// The stage fraction for a phase event; starts a new phase when the count goes back or
        /// the total changes.
        mutating func advance(completed: Int, total: Int?, fraction: Double?) -> Double {
            if completed < self.completed || total != self.total {
                floor = shown
            }
            self.completed = completed
            self.total = total
            if let fraction { shown = max(shown, floor + (1 - floor) * fraction) }
            return shown
        }
    }

    init(
        interactive: Bool = isatty(STDERR_FILENO) != 0,
        write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    ) {
        self.interactive = interactive
        self.sink = write
    }

    func handle(_ event: RunEvent) {
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case .hashing(let path, let done, let total):
            let name = (path as NSString).lastPathComponent
            if interactive {
                bar("hashing \(name)", fraction: total > 0 ? Double(done) / Double(total) : nil)
            } else if !hashedAny {
                hashedAny = true
                line("hashing the input files")
            }
        case .stageSkipped(let name):
            line("\(name): up to date, skipped")
        case .stageStarted(let name, let reason):
            stages[name] = StageBar()
            line("\(name): running (\(reason))")
        case .stageProgress(let event):
            var stage = stages[event.stage] ?? StageBar()
            let fraction = stage.advance(completed: event.completed, total: event.total, fraction: event.fraction)
            stages[event.stage] = stage
            guard interactive else { return }
            let count = event.total.map { "\(event.completed)/\($0) " } ?? ""
            bar("  \(event.stage): \(count)\(event.message)", fraction: event.fraction == nil ? nil : fraction)
        case .stageFinished(let name, let seconds):
            line(String(format: "%@: done in %.1f s", name, seconds))
        case .wrote:
            break
        }
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if pendingLine { sink("\n") }
        pendingLine = false
    }

    private func line(_ text: String) {
        if pendingLine { sink("\n") }
        pendingLine = false
        sink(text + "\n")
    }

    /// Rewrites the current terminal line (interactive only).
    private func bar(_ text: String, fraction: Double?) {
        let percent = fraction.map { String(format: " %3.0f%%", $0 * 100) } ?? ""
        sink("\r\u{1B}[2K" + text + percent)
        pendingLine = true
    }
}
