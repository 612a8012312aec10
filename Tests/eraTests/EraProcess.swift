import Foundation

/// Runs the built `era` executable as a child process, the way a user would.
struct EraProcess {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The `era` binary next to the test bundle (`.build/<config>/era`).
    static var executable: URL {
        var directory = Bundle.main.bundleURL
        if directory.pathExtension == "xctest" { directory.deleteLastPathComponent() }
        let candidate = directory.appendingPathComponent("era")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        // Fallback: search the products directories of the package.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        for config in ["debug", "release"] {
            let url = root.appendingPathComponent(".build/\(config)/era")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return candidate
    }

    static func run(_ arguments: [String], in directory: URL? = nil) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Drain stderr on another thread while stdout is read here, so a chatty child can never
        // block on a full pipe.
        let stderrBox = DataBox()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { stderrBox.data = err.fileHandleForReading.readDataToEndOfFile() }
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let stderrData = stderrBox.data
        process.waitUntilExit()
        return Output(status: process.terminationStatus,
                      stdout: String(decoding: stdoutData, as: UTF8.self),
                      stderr: String(decoding: stderrData, as: UTF8.self))
    }
}

private final class DataBox: @unchecked Sendable {
    // Written by one thread, read by another only after `group.wait()`.
    var data = Data()
}

/// A fresh temporary directory, removed by the caller with `cleanUp()`.
struct TemporaryDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("era-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func write(_ text: String, to name: String) throws {
        try Data(text.utf8).write(to: url.appendingPathComponent(name))
    }
    func cleanUp() { try? FileManager.default.removeItem(at: url) }
}
