import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a whole folder so that its path only ever names the old folder or the complete new one.
///
/// The files go into a temporary folder beside the target (same file system, so the renames are
/// atomic); only when all of them are written and flushed is the old folder (if any) moved aside,
/// the new one renamed into place and the old one removed. If the body throws, or a rename fails,
/// the temporary folder is removed and the old folder is put back: nothing half-written remains.
public enum AtomicFolder {
    /// Builds the new content of `url` in a temporary folder handed to `body`, then commits it.
    /// An existing folder at `url` is replaced: check first (``FolderOutputGuard``) that it may be.
    /// - Throws: ``EmbeddingIOError`` (kind `.io`) naming `url`, or whatever `body` throws.
    public static func write(to url: URL, _ body: (URL) throws -> Void) throws {
        let parent = url.deletingLastPathComponent()
        let tag = UUID().uuidString.prefix(8)
        let temporary = parent.appendingPathComponent(".\(url.lastPathComponent).tmp-\(tag)")
        guard mkdir(temporary.path, 0o755) == 0 else {
            throw EmbeddingIOError.posix(
                "create a temporary folder in \(parent.path) (does that folder exist?)",
                path: url.path, errno: errno)
        }
        var committed = false
        defer { if !committed { try? FileManager.default.removeItem(at: temporary) } }
        // The folder's files are renamed into it now, not with an enclosing group's files: the
        // folder itself is the unit that is renamed into place.
        try AtomicFile.$pendingGroup.withValue(nil) { try body(temporary) }
        fsyncPath(temporary.path)
        // rename(2) cannot replace a non-empty folder, so the old one steps aside first.
        let aside = parent.appendingPathComponent(".\(url.lastPathComponent).old-\(tag)")
        var info = stat()
        let replacing = lstat(url.path, &info) == 0
        if replacing, rename(url.path, aside.path) != 0 {
            throw EmbeddingIOError.posix("move the old folder aside", path: url.path, errno: errno)
        }
        guard rename(temporary.path, url.path) == 0 else {
            let code = errno
            if replacing { _ = rename(aside.path, url.path) }
            throw EmbeddingIOError.posix("rename the temporary folder into place", path: url.path, errno: code)
        }
        committed = true
        if replacing { try? FileManager.default.removeItem(at: aside) }
        fsyncPath(parent.path.isEmpty ? "." : parent.path)
    }

    /// Best effort: persist a folder's entries. Failure here does not undo the write.
    private static func fsyncPath(_ path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
    }
}
