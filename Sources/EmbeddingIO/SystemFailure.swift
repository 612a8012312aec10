/// A system call that failed, and its errno.
package struct SystemFailure: Error, Equatable {
    package enum Call: String, Sendable {
        case open = "open for reading", stat, read
    }

    package var call: Call
    package var code: Int32
}
