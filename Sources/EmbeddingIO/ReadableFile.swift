import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

#if _endian(big)
#error("EmbeddingIO reads and writes little-endian files by reinterpreting memory: big-endian hosts are unsupported")
#endif

/// Positioned, exact reads of a file's bytes: from the file itself (``ReadableFile``) or from its
/// content already in memory (``InputFileContent``), so the `.npy` parsers serve both.
protocol ByteReader {
    /// The file, for error messages.
    var path: String { get }
    /// The size in bytes.
    var size: Int { get }
    /// Fills `buffer` from byte `offset`; throws ``EmbeddingIOError/Kind/sizeMismatch`` when the
    /// content ends first (`what` names the part being read, for the message).
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int, what: String) throws
}

extension ByteReader {
    /// `count` bytes from `offset` as an array.
    func bytes(at offset: Int, count: Int, what: String) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        if count > 0 { try out.withUnsafeMutableBytes { try read(into: $0, at: offset, what: what) } }
        return out
    }
}

/// A read-only POSIX file descriptor with positioned, exact reads; closed on deinit.
///
/// Used instead of `Data(contentsOf:)` so a 1.5 GB matrix is read straight into its
/// final `[Float]` storage, once, and errors carry `errno` and the path.
final class ReadableFile: ByteReader {
    let path: String
    let descriptor: Int32
    /// The file size in bytes when it was opened.
    let size: Int

    convenience init(_ url: URL) throws {
        let (fd, info) = try Self.openNonBlocking(url.path)
        try self.init(adopting: fd, info: info, path: url.path)
    }

    /// Takes over `fd`, open for reading, whose `fstat` is `info` (closed here if it is refused).
    init(adopting fd: Int32, info: stat, path: String) throws {
        self.path = path
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw EmbeddingIOError(
                .io, path: path,
                "is \(FilePath.describe(info.st_mode & S_IFMT)), not a regular file: "
                    + "this input is read at offsets or memory-mapped; save it to a file and pass that")
        }
        descriptor = fd
        size = Int(info.st_size)
    }

    /// Opens `path` for reading without blocking: a FIFO with no writer would otherwise block in
    /// open(2) forever. The descriptor is switched back to blocking reads before it is returned.
    static func openNonBlocking(_ path: String) throws -> (Int32, stat) {
        try openNonBlocking(path, logged: true).mapError {
            EmbeddingIOError.posix($0.call.rawValue, path: path, errno: $0.code)
        }.get()
    }

    /// The same, failing with the call and its errno (the descriptor closed); `logged`: recorded in ``FileOpenLog``.
    static func openNonBlocking(_ path: String, logged: Bool) -> Result<(Int32, stat), SystemFailure> {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return .failure(SystemFailure(call: .open, code: errno)) }
        if logged { FileOpenLog.record(path) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            return .failure(SystemFailure(call: .stat, code: code))
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return .success((fd, info))
    }

    /// The whole content of a text input: a regular file, or a pipe such as bash's `<(...)`
    /// (read to its end; a FIFO nobody writes to reads as empty rather than hanging). Directories
    /// and devices are refused.
    static func readText(_ url: URL) throws -> Data {
        let path = url.path
        let (fd, info) = try openNonBlocking(path)
        let type = info.st_mode & S_IFMT
        guard type == S_IFIFO else {
            close(fd)
            return try ReadableFile(url).readAll()
        }
        defer { close(fd) }
        return try readToEnd(fd, path: path)
    }

    /// Everything `fd` yields until its end (a pipe: until the writer closes it).
    static func readToEnd(_ fd: Int32, path: String) throws -> Data {
        try readToEnd(fd, limit: .max).mapError { EmbeddingIOError.posix("read", path: path, errno: $0.code) }.get()
    }

    /// The same, stopping once more than `limit` bytes are read.
    static func readToEnd(_ fd: Int32, limit: Int) -> Result<Data, SystemFailure> {
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while data.count <= limit {
            let n = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(SystemFailure(call: .read, code: errno))
            }
            if n == 0 { break }
            data.append(contentsOf: chunk[0..<n])
        }
        return .success(data)
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

    /// The whole file.
    func readAll() throws -> Data {
        var data = Data(count: size)
        if size > 0 { try data.withUnsafeMutableBytes { try read(into: $0, at: 0, what: "the file") } }
        return data
    }
}

/// `read(2)`, renamed so it does not clash with `ReadableFile.read(into:at:what:)`.
@inline(__always)
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.read(fd, buffer, count)
    #elseif canImport(Musl)
    return Musl.read(fd, buffer, count)
    #else
    return Darwin.read(fd, buffer, count)
    #endif
}
