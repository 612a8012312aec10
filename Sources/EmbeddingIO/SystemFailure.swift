/// A system call that failed on `path`, and its errno.
package struct SystemFailure: Error, Equatable {
    package enum Call: String, Sendable {
        case open = "open for reading", stat, read
    }

    package var call: Call
    package var code: Int32
    var path: String

    /// As the throwing readers report it.
    var error: EmbeddingIOError { .posix(call.rawValue, path: path, errno: code) }
}
