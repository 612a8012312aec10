import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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
        removeStaleTemporaries(of: url)
        // The writer's pid in the name tells a later writer whether the file is still in use.
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UUID().uuidString.prefix(8))").path
        // Registered before it exists: a signal between open(2) and the registration left the file
        // behind (seen under load); unlinking a path not yet created is harmless.
        let slot = TemporaryRegistry.register(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let error = errno
            TemporaryRegistry.unregister(slot)
            throw EmbeddingIOError.posix("create a temporary file in \(directory)", path: path, errno: error)
        }
        var committed = false
        var closed = false
        let group = pendingGroup
        defer {
            if !closed { close(fd) }
            if !committed { unlink(temporary) }
            // A grouped write keeps its temporary registered until the group renames it.
            if !(committed && group != nil) { TemporaryRegistry.unregister(slot) }
        }
        try body(Sink(descriptor: fd, path: path))
        guard fsync(fd) == 0 else { throw EmbeddingIOError.posix("flush (fsync)", path: path, errno: errno) }
        closed = true
        guard close(fd) == 0 else { throw EmbeddingIOError.posix("close", path: path, errno: errno) }
        if let group {
            group.add(temporary: temporary, path: path, slot: slot)
            committed = true
            return
        }
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

    /// Writes several files as one: every ``write(to:_:)`` (and ``write(_:to:)``) inside `body` goes to
    /// its flushed temporary file, and only when `body` has returned are they all renamed into
    /// place, in order. If `body` throws (a full disk on the third file), every temporary is
    /// removed and no target changes: an adapter's weight and bias never come from two runs. A
    /// group inside a group joins it; a folder written with ``AtomicFolder`` inside a group is
    /// renamed into place by itself.
    /// - Throws: whatever `body` throws, or ``EmbeddingIOError`` for a rename that failed (the files
    ///   renamed before it stay renamed).
    public static func writeTogether<T>(_ body: () throws -> T) throws -> T {
        // Inside another group: its files join that group.
        if pendingGroup != nil { return try body() }
        let group = PendingRenames()
        let result: T
        do {
            result = try $pendingGroup.withValue(group) { try body() }
        } catch {
            group.discard()
            throw error
        }
        try group.commit()
        return result
    }

    /// The group of the enclosing ``writeTogether(_:)``, if any.
    @TaskLocal static var pendingGroup: PendingRenames?

    /// Removes `.<name>.tmp-<pid>-*` files beside `url` whose writing process no longer exists:
    /// what a write killed by a signal the handler could not catch (SIGKILL, a power cut) left.
    public static func removeStaleTemporaries(of url: URL) {
        let directory = url.deletingLastPathComponent()
        let prefix = ".\(url.lastPathComponent).tmp-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let dash = rest.firstIndex(of: "-"), let pid = Int32(rest[..<dash]), pid > 0 else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                unlink(directory.appendingPathComponent(name).path)
            }
        }
    }

    /// Makes SIGINT, SIGTERM and SIGHUP remove the temporary files of writes in progress before
    /// the process ends as the signal would end it (an interrupted `era apply` left `.tmp-` files).
    /// Call once from a command-line front end; a library must not take signals over by itself.
    public static func removeTemporariesOnSignals() {
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber, atomicFileSignalHandler)
            sigaddset(&unblock, signalNumber)
        }
        // A parent may start era with these blocked (spawned from a thread that blocks them):
        // the user's Ctrl-C or a supervisor's SIGTERM must still stop it, and cleanly.
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
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

/// Paths of the temporary files being written, readable from a signal handler: fixed slots of
/// C strings, filled under a lock by writers and read without one by the handler (a slot holds
/// either nil or a complete string, and unlink(2) is async-signal-safe).
enum TemporaryRegistry {
    static let capacity = 64
    nonisolated(unsafe) static let slots: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let slots = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
        slots.initialize(repeating: nil, count: capacity)
        return slots
    }()
    nonisolated(unsafe) static var lock = pthread_mutex_t()
    nonisolated(unsafe) static var lockReady: Void = { pthread_mutex_init(&lock, nil) }()

    /// Returns the slot used, or nil when all are taken (then only the stale-file sweep helps).
    static func register(_ path: String) -> Int? {
        _ = lockReady
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        for i in 0..<capacity where slots[i] == nil {
            slots[i] = strdup(path)
            return i
        }
        return nil
    }

    static func unregister(_ slot: Int?) {
        guard let slot else { return }
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        let pointer = slots[slot]
        slots[slot] = nil
        free(pointer)
    }
}

/// Unlinks every registered temporary file, then lets the signal end the process as it would have.
private func atomicFileSignalHandler(_ signalNumber: Int32) {
    for i in 0..<TemporaryRegistry.capacity {
        if let path = TemporaryRegistry.slots[i] { unlink(path) }
    }
    signal(signalNumber, SIG_DFL)
    raise(signalNumber)
}

/// The flushed temporaries of a ``AtomicFile/writeTogether(_:)`` group, renamed together at its end.
final class PendingRenames: @unchecked Sendable {
    private var items: [(temporary: String, path: String, slot: Int?)] = []

    func add(temporary: String, path: String, slot: Int?) { items.append((temporary, path, slot)) }

    func discard() {
        for item in items {
            unlink(item.temporary)
            TemporaryRegistry.unregister(item.slot)
        }
        items = []
    }

    func commit() throws {
        defer { discard() }
        var directories = Set<String>()
        while !items.isEmpty {
            let item = items.removeFirst()
            defer { TemporaryRegistry.unregister(item.slot) }
            guard rename(item.temporary, item.path) == 0 else {
                let code = errno
                unlink(item.temporary)
                throw EmbeddingIOError.posix("rename the temporary file over the target", path: item.path, errno: code)
            }
            directories.insert(URL(fileURLWithPath: item.path).deletingLastPathComponent().path)
        }
        for directory in directories {
            let fd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_CLOEXEC)
            if fd >= 0 {
                _ = fsync(fd)
                close(fd)
            }
        }
    }
}
