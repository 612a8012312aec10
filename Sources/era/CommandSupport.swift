import ArgumentParser
import Foundation

/// A failure the user can act on: one line that names the file or option and the problem.
///
/// ArgumentParser prints it as `Error: <message>` and exits non-zero, with no stack trace.
struct CommandError: Error, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// A progress line on stderr (stdout stays clean for tables and --json).
func printProgress(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Writes a warning line to stderr.
func warn(_ message: String) {
    FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
}

/// Fails before any work when `url` could not be written: its directory must exist and be
/// writable, and `url` itself must not be a directory.
func requireWritable(_ url: URL) throws {
    let fm = FileManager.default
    var isDirectory: ObjCBool = false
    if fm.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
        throw CommandError("\(url.path): is a directory; give a file path to write")
    }
    let directory = url.deletingLastPathComponent().path
    guard fm.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
        let what = fm.fileExists(atPath: directory) ? "is a file, not a folder" : "does not exist"
        throw CommandError("\(url.path): cannot be written: \(directory) \(what)")
    }
    guard fm.isWritableFile(atPath: directory) else {
        throw CommandError("\(url.path): cannot be written: directory \(directory) is not writable")
    }
}

/// `--force`, shared by every command that writes files.
struct OverwriteOptions: ParsableArguments {
    /// The flag, as the output guards name it in their advice.
    static let flag = "--force"
    @Flag(help: "Replace an existing output era did not write, or a read-only one (never an input or a special file).")
    var force = false

    /// The one check before a command writes: `OutputGuard` with this flag's choice and spelling.
    func check(inputs: [OutputGuard.Input], outputs: [OutputGuard.Output]) throws {
        try OutputGuard(inputs: inputs, outputs: outputs, force: force, forceFlag: Self.flag).check()
    }
}
