import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a pipeline, data config, preset or `include:` fragment: a regular file of at most
/// ``maxBytes``, judged before a byte is read.
///
/// A 5 GB file used to be read whole (and then scanned) before the first problem was reported; a
/// FIFO with no writer blocked the read forever; a folder or a device was reported as "file not
/// found". Each now gets one message that says what the path is.
enum ConfigFile {
    /// 16 MiB: pipeline files are a few KB; the largest useful one (thousands of stages) is far
    /// below this, and a YAML scan of this much text takes well under a second.
    static let maxBytes = 16 << 20

    /// The problem with a config file at `path`, in words (no path prefix: the caller names the file).
    struct Refusal: Error, Equatable {
        var message: String
    }

    /// The file's bytes, or a ``Refusal`` naming what the path is when it is not a readable regular
    /// file of at most `limit` bytes. Opens without blocking (a FIFO opens at once), checks the type
    /// and size with fstat, then reads at most `limit + 1` bytes, so a file that grows while it is
    /// read, or whose size the kernel does not report (`/proc`), is bounded too.
    static func load(_ path: String, display: String, limit: Int = maxBytes) -> Result<Data, Refusal> {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return .failure(Refusal(message: "file not found: \(display)")) }
            return .failure(Refusal(message: "cannot open \(display): \(String(cString: strerror(code)))"))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            return .failure(Refusal(message: "cannot inspect \(display): \(String(cString: strerror(errno)))"))
        }
        let type = info.st_mode & S_IFMT
        guard type == S_IFREG else {
            return .failure(
                Refusal(
                    message: "\(display) is \(describe(type)), not a YAML file: give the path of a regular file"))
        }
        guard Int(info.st_size) <= limit else {
            return .failure(Refusal(message: tooLarge(display, bytes: Int(info.st_size), limit: limit)))
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while data.count <= limit {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(Refusal(message: "cannot read \(display): \(String(cString: strerror(errno)))"))
            }
            if count == 0 { break }
            data.append(contentsOf: chunk[0..<count])
        }
        guard data.count <= limit else {
            return .failure(Refusal(message: tooLarge(display, bytes: limit, limit: limit, atLeast: true)))
        }
        return .success(data)
    }

    private static func tooLarge(_ display: String, bytes: Int, limit: Int, atLeast: Bool = false) -> String {
        "\(display) is \(atLeast ? "more than " : "")\(bytes) bytes; config files are limited to "
            + "\(limit >> 20) MiB (a pipeline is a few KB): is this the right file?"
    }

    private static func describe(_ type: mode_t) -> String {
        switch type {
        case S_IFDIR: "a folder"
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        default: "not a regular file"
        }
    }
}
