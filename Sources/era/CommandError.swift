/// A failure the user can act on: one line that names the file or option and the problem.
///
/// ArgumentParser prints it as `Error: <message>` and exits non-zero, with no stack trace.
struct CommandError: Error, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
