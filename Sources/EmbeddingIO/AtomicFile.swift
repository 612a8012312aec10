#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Writes a file so that readers only ever see the old content or the complete new one.
///
/// The bytes go to a temporary file in the *same directory* (so the rename cannot cross a
/// file system), are flushed with `fsync`, and the temporary file is renamed over the target
/// (`rename(2)` is atomic). The directory is then fsynced so the rename survives a crash.
/// On any failure the temporary file is removed and the target is left untouched.
public enum AtomicFile {
    /// Writes `data` to `url` atomically.
    /// - Parameters:
    ///   - data: the complete new content.
    ///   - url: the target file; its directory must exist and be writable (the temporary file is
    ///     created there). An existing file is replaced, a missing one created (mode 0644).
    /// - Throws: ``EmbeddingIOError`` (kind `.io`) naming `url` and the OS error.
    public static func write(_ data: Data, to url: URL) throws {
        try write(to: url) { sink in
            try data.withUnsafeBytes { try sink.write($0) }
        }
    }

    /// Streams the new content of `url` through `body`, then commits it atomically.
    ///
    /// Use this for large files (a matrix of a few GB) to avoid building the whole file in
    /// memory first. If `body` throws, nothing is committed and the error is rethrown.
    /// - Parameters:
    ///   - url: the target file, as in ``write(_:to:)``.
    ///   - body: writes the content through the ``Sink`` it is given, in order; the sink is
    ///     valid only during the call.
    /// - Throws: ``EmbeddingIOError`` (kind `.io`) naming `url` for an OS error (create, write,
    ///   `fsync`, close, rename), or whatever `body` throws; in either case the target is untouched.
    public static func write(to url: URL, _ body: (Sink) throws -> Void) throws {
        let path = url.path
        let directory = url.deletingLastPathComponent().path
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).tmp-\(UUID().uuidString.prefix(8))").path
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw EmbeddingIOError.posix("create a temporary file in \(directory)", path: path, errno: errno)
        }
        var committed = false
        var closed = false
        defer {
            if !closed { close(fd) }
            if !committed { unlink(temporary) }
        }
        try body(Sink(descriptor: fd, path: path))
        guard fsync(fd) == 0 else { throw EmbeddingIOError.posix("flush (fsync)", path: path, errno: errno) }
        closed = true
        guard close(fd) == 0 else { throw EmbeddingIOError.posix("close", path: path, errno: errno) }
        guard rename(temporary, path) == 0 else {
            throw EmbeddingIOError.posix("rename the temporary file over the target", path: path, errno: errno)
        }
        committed = true
        // Best effort: persist the directory entry. Failure here does not undo the write.
        let dirFD = open(directory.isEmpty ? "." : directory, O_RDONLY | O_CLOEXEC)
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
    }

    /// The write end handed to ``AtomicFile/write(to:_:)``'s body.
    public struct Sink {
        let descriptor: Int32
        let path: String

        /// Appends all of `bytes` (retrying short writes and `EINTR`).
        public func write(_ bytes: UnsafeRawBufferPointer) throws {
            guard var base = bytes.baseAddress else { return }
            var remaining = bytes.count
            while remaining > 0 {
                let n = systemWrite(descriptor, base, remaining)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw EmbeddingIOError.posix("write", path: path, errno: errno)
                }
                base += n
                remaining -= n
            }
        }

        /// Appends `bytes`.
        public func write(_ bytes: [UInt8]) throws {
            try bytes.withUnsafeBytes { try write($0) }
        }
    }
}

/// `write(2)`, renamed so it does not clash with `Sink.write(_:)`.
@inline(__always)
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, buffer, count)
    #elseif canImport(Musl)
    return Musl.write(fd, buffer, count)
    #else
    return Darwin.write(fd, buffer, count)
    #endif
}
