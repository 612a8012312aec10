import Foundation

/// The files EmbeddingIO's readers opened for their content, counted for whoever asks.
///
/// Every reader opens through one function (``ReadableFile``, so the `.npy`, id, qrels, text and
/// safetensors readers and ``InputFileContent``) or, for ``SHA256/hex(fileAt:progress:)``, records
/// its own open, so a test that binds a log around a whole `era run` sees every open of every
/// input, including one made by code that forgot the run's cache. Nothing is recorded unless a
/// log is bound: the binding is task-local, scoped to the body of `withValue`, so runs and tests
/// in parallel each count their own and there is no process-wide state to reset.
///
/// Opens made on another thread than the bound task's (a `DispatchQueue` worker) are not seen;
/// era's readers run on the stage's own thread.
package final class FileOpenLog: @unchecked Sendable {
    /// The log the readers record into, if one is bound.
    @TaskLocal package static var current: FileOpenLog?

    // `opens` is guarded by `lock`.
    private let lock = NSLock()
    private var opens: [String] = []

    package init() {}

    /// Records that `path` was opened for reading (called by the readers).
    static func record(_ path: String) {
        guard let log = current else { return }
        log.lock.lock()
        log.opens.append(path)
        log.lock.unlock()
    }

    /// Every open, in order, by the path as the caller named it.
    package var paths: [String] {
        lock.lock()
        defer { lock.unlock() }
        return opens
    }

    /// How many times each file was opened, keyed by its standardized path (so `a/./b` and `a/b` count as one).
    package var counts: [String: Int] {
        paths.reduce(into: [:]) { counts, path in
            counts[URL(fileURLWithPath: path).standardizedFileURL.path, default: 0] += 1
        }
    }
}
