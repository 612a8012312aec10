#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

#if _endian(big)
#error("EmbeddingIO reads and writes little-endian files by reinterpreting memory: big-endian hosts are unsupported")
#endif

/// A read-only POSIX file descriptor with positioned, exact reads; closed on deinit.
///
/// Used instead of `Data(contentsOf:)` so a 1.5 GB matrix is read straight into its
/// final `[Float]` storage, once, and errors carry `errno` and the path.
final class ReadableFile {
    let path: String
    let descriptor: Int32
    /// The file size in bytes when it was opened.
    let size: Int

    init(_ url: URL) throws {
        path = url.path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw EmbeddingIOError.posix("open for reading", path: path, errno: errno) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw EmbeddingIOError.posix("stat", path: path, errno: code)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw EmbeddingIOError(.io, path: path, "is not a regular file (a directory or device?)")
        }
        descriptor = fd
        size = Int(info.st_size)
    }

    deinit { close(descriptor) }

    /// Fills `buffer` from byte `offset`; throws ``EmbeddingIOError/Kind/sizeMismatch`` when the
    /// file ends first (`what` names the part being read, for the message).
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int, what: String) throws {
        var done = 0
        while done < buffer.count {
            let n = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw EmbeddingIOError.posix("read \(what)", path: path, errno: errno)
            }
            if n == 0 {
                throw EmbeddingIOError(
                    .sizeMismatch, path: path,
                    "file ends after \(offset + done) bytes while reading \(what) (needs \(offset + buffer.count))")
            }
            done += n
        }
    }

    /// `count` bytes from `offset` as an array.
    func bytes(at offset: Int, count: Int, what: String) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        if count > 0 { try out.withUnsafeMutableBytes { try read(into: $0, at: offset, what: what) } }
        return out
    }

    /// The whole file.
    func readAll() throws -> Data {
        var data = Data(count: size)
        if size > 0 { try data.withUnsafeMutableBytes { try read(into: $0, at: 0, what: "the file") } }
        return data
    }
}
