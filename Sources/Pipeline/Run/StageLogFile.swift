import Foundation
import Workflows

/// The open `log.txt` of a running stage. Lines may come from any thread (a stage may log from
/// worker tasks), so appends are serialized by a lock. Each line starts with the seconds since
/// the stage started, e.g. `[  12.3s] `.
final class StageLogFile: @unchecked Sendable {
    private let lock = NSLock()
    private var handle: FileHandle?
    private let start = ContinuousClock.now

    init(url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
            let handle = FileHandle(forWritingAtPath: url.path)
        else {
            throw PipelineRunError("cannot create \(url.path)")
        }
        self.handle = handle
    }

    /// Appends `line` and a newline; ignored after `close()`.
    func append(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        guard let handle else { return }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        try? handle.write(contentsOf: Data((String(format: "[%7.1fs] ", seconds) + line + "\n").utf8))
    }

    /// Flushes and closes the file.
    func close() {
        lock.lock()
        defer { lock.unlock() }
        try? handle?.synchronize()
        try? handle?.close()
        handle = nil
    }
}
