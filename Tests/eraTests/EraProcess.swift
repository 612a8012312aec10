import Foundation

/// Runs the built `era` executable as a child process, the way a user would.
struct EraProcess {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The `era` binary next to the test bundle (`.build/<config>/era`).
    static var executable: URL { built("era") }

    /// The `era-bench` binary, beside `era`.
    static var benchExecutable: URL { built("era-bench") }

    /// The package's executable `name` next to the test bundle, else in a products directory.
    static func built(_ name: String) -> URL {
        var directory = Bundle.main.bundleURL
        if directory.pathExtension == "xctest" { directory.deleteLastPathComponent() }
        let candidate = directory.appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        // Fallback: search the products directories of the package.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        for config in ["debug", "release"] {
            let url = root.appendingPathComponent(".build/\(config)/\(name)")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return candidate
    }

    /// - Parameter environment: variables set (a nil value: removed) on top of this process's environment.
    /// - Parameter executable: the binary to run (default: `era`).
    static func run(
        _ arguments: [String], in directory: URL? = nil, environment: [String: String?] = [:],
        executable: URL = Self.executable
    ) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty {
            var merged = ProcessInfo.processInfo.environment
            for (name, value) in environment { merged[name] = value }
            process.environment = merged
        }
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
        return Output(
            status: process.terminationStatus,
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

extension EraProcess {
    /// Starts `era` without waiting for it; stderr is read line by line as it arrives (see
    /// `RunningEra.waitForStderrLine`), stdout is collected for `waitUntilExit`.
    static func start(_ arguments: [String], in directory: URL? = nil) throws -> RunningEra {
        try RunningEra(arguments: arguments, directory: directory)
    }
}

/// A running `era` child process whose stderr lines can be awaited while it works.
final class RunningEra: @unchecked Sendable {
    // `lines`, `stderrClosed` and `stderrRest` are guarded by `condition`.
    private let process = Process()
    private let condition = NSCondition()
    private var lines: [String] = []
    private var stderrRest = Data()
    private var stderrClosed = false
    private let stdoutBox = DataBox()
    private let readers = DispatchGroup()

    fileprivate init(arguments: [String], directory: URL?) throws {
        process.executableURL = EraProcess.executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        DispatchQueue.global().async(group: readers) { [stdoutBox] in
            stdoutBox.data = out.fileHandleForReading.readDataToEndOfFile()
        }
        DispatchQueue.global().async(group: readers) { [self] in
            let handle = err.fileHandleForReading
            while true {
                let chunk = handle.availableData
                condition.lock()
                if chunk.isEmpty {
                    if !stderrRest.isEmpty { lines.append(String(decoding: stderrRest, as: UTF8.self)) }
                    stderrRest = Data()
                    stderrClosed = true
                } else {
                    stderrRest.append(chunk)
                    while let newline = stderrRest.firstIndex(of: UInt8(ascii: "\n")) {
                        lines.append(String(decoding: stderrRest[stderrRest.startIndex..<newline], as: UTF8.self))
                        stderrRest = Data(stderrRest[(newline + 1)...])
                    }
                }
                condition.broadcast()
                condition.unlock()
                if chunk.isEmpty { return }
            }
        }
    }

    var processIdentifier: Int32 { process.processIdentifier }

    /// The stderr lines read so far.
    var stderrLines: [String] {
        condition.lock()
        defer { condition.unlock() }
        return lines
    }

    /// Blocks until a stderr line satisfies `predicate` and returns it; nil when stderr closed
    /// (the process ended) or `timeout` seconds passed first.
    func waitForStderrLine(timeout: TimeInterval, where predicate: (String) -> Bool) -> String? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        var checked = 0
        while true {
            while checked < lines.count {
                if predicate(lines[checked]) { return lines[checked] }
                checked += 1
            }
            if stderrClosed || !condition.wait(until: deadline) { return nil }
        }
    }

    /// Sends `signal` to the process (e.g. SIGKILL).
    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the process to end and both pipes to close. `status` is the exit code, or the
    /// signal number when `terminatedBySignal`.
    func waitUntilExit() -> (output: EraProcess.Output, terminatedBySignal: Bool) {
        process.waitUntilExit()
        readers.wait()
        let output = EraProcess.Output(
            status: process.terminationStatus,
            stdout: String(decoding: stdoutBox.data, as: UTF8.self),
            stderr: stderrLines.joined(separator: "\n"))
        return (output, process.terminationReason == .uncaughtSignal)
    }
}
