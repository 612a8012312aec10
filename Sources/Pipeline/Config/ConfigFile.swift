import EmbeddingIO
import Foundation

/// Reads a pipeline, data config, preset or `include:` fragment: a regular file of at most
/// ``maxBytes``, judged before a byte is read (``RegularFile``).
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
    /// file of at most `limit` bytes.
    static func load(_ path: String, display: String, limit: Int = maxBytes) -> Result<Data, Refusal> {
        RegularFile.read(path, limit: limit).mapError { refusal in
            switch refusal {
            case .failed(let failure) where failure.call == .open && [ENOENT, ENOTDIR].contains(failure.code):
                Refusal(message: "file not found: \(display)")
            case .failed(let failure):
                Refusal(message: "cannot \(verb(failure.call)) \(display): \(String(cString: strerror(failure.code)))")
            case .notRegular(let type):
                Refusal(
                    message: "\(display) is \(type == S_IFDIR ? "a folder" : FilePath.describe(type)), "
                        + "not a YAML file: give the path of a regular file")
            case .tooLarge(let bytes, let atLeast):
                Refusal(
                    message: "\(display) is \(atLeast ? "more than " : "")\(bytes) bytes; config files are limited to "
                        + "\(limit >> 20) MiB (a pipeline is a few KB): is this the right file?")
            }
        }
    }

    /// What the message says was tried.
    private static func verb(_ call: SystemFailure.Call) -> String {
        switch call {
        case .open: "open"
        case .stat: "inspect"
        case .read: "read"
        }
    }
}
