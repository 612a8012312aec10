import Foundation
import Pipeline

/// Prints run events on stderr: progress bars rewritten in place on a terminal, one line per
/// tenth of the work otherwise (so logs stay short).
final class ProgressPrinter: @unchecked Sendable {
    private let lock = NSLock()
    private let interactive = isatty(STDERR_FILENO) != 0
    private var lastTenth: [String: Int] = [:]
    private var pendingLine = false

    func handle(_ event: RunEvent) {
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case .hashing(let path, let done, let total):
            let name = (path as NSString).lastPathComponent
            progress(key: "hash \(path)", line: "hashing \(name)", fraction: total > 0 ? Double(done) / Double(total) : nil)
        case .stageSkipped(let name):
            line("\(name): up to date, skipped")
        case .stageStarted(let name, let reason):
            line("\(name): running (\(reason))")
        case .stageProgress(let event):
            let count = event.total.map { "\(event.completed)/\($0) " } ?? ""
            progress(key: "stage \(event.stage)", line: "  \(event.stage): \(count)\(event.message)",
                     fraction: event.fraction)
        case .stageFinished(let name, let seconds):
            line(String(format: "%@: done in %.1f s", name, seconds))
        case .wrote:
            break
        }
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if pendingLine { write("\n") }
        pendingLine = false
    }

    private func line(_ text: String) {
        if pendingLine { write("\n") }
        pendingLine = false
        write(text + "\n")
    }

    private func progress(key: String, line text: String, fraction: Double?) {
        let percent = fraction.map { String(format: " %3.0f%%", $0 * 100) } ?? ""
        if interactive {
            write("\r\u{1B}[2K" + text + percent)
            pendingLine = true
        } else {
            let tenth = Int(((fraction ?? 0) * 10).rounded(.down))
            guard lastTenth[key] != tenth else { return }
            lastTenth[key] = tenth
            write(text + percent + "\n")
        }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
