import Foundation

/// The open `log.txt` of a running stage. Lines may come from any thread (a stage may log from
/// worker tasks), so appends are serialized by a lock.
final class StageLogFile: @unchecked Sendable {
    private let lock = NSLock()
    private var handle: FileHandle?

    init(url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: url.path) else {
            throw PipelineRunError("cannot create \(url.path)")
        }
        self.handle = handle
    }

    /// Appends `line` and a newline; ignored after `close()`.
    func append(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        guard let handle else { return }
        try? handle.write(contentsOf: Data((line + "\n").utf8))
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
