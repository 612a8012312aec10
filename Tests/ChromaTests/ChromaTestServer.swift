import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real Chroma server for the tests: the one `.ci/run` started (`ERA_CHROMA_URL`), else one
/// started here from `ERA_CHROMA_BIN` or `chroma` on the PATH, on a free port with a temporary
/// path, stopped when the test process exits. Tests that need it skip when neither works.
struct ChromaTestServer: Sendable {
    let url: String
    /// `host:port`, for `chroma://` locations.
    var hostPort: String { String(url.dropFirst("http://".count)) }

    static let shared: ChromaTestServer? = {
        if let url = ProcessInfo.processInfo.environment["ERA_CHROMA_URL"], !url.isEmpty {
            return heartbeat(url) ? ChromaTestServer(url: url) : nil
        }
        // The watchdog in ChromaProcess stops this server when the test process exits.
        guard let process = try? ChromaProcess.start(removeWhenDone: true) else { return nil }
        return ChromaTestServer(url: process.url)
    }()

    static var available: Bool { shared != nil }
    static let skipReason: Comment =
        "no Chroma server: ERA_CHROMA_URL does not answer, or is unset and `chroma run` could not start (pip install chromadb; .ci/run does)"

    static func heartbeat(_ url: String) -> Bool {
        (try? TestHTTP.send("GET", url + "/api/v2/heartbeat", timeout: 2))?.status == 200
    }
}

/// A `chroma run` process on its own port and temporary path (the fault test stops and restarts one).
final class ChromaProcess: @unchecked Sendable {
    let process: Process
    let port: Int
    let path: URL
    var url: String { "http://127.0.0.1:\(port)" }
    var processIdentifier: Int32 { process.processIdentifier }

    /// The `chroma` executable: `ERA_CHROMA_BIN`, else `chroma` on the PATH (nil when there is none).
    static var executable: String? {
        if let bin = ProcessInfo.processInfo.environment["ERA_CHROMA_BIN"], !bin.isEmpty { return bin }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/chroma"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    private init(process: Process, port: Int, path: URL) {
        self.process = process
        self.port = port
        self.path = path
    }

    /// Starts a server (on `port`, or a free one; on `path`, or a new temporary one) and waits for its heartbeat.
    /// - Parameter removeWhenDone: remove `path` when the test process exits (the shared server's).
    static func start(port: Int? = nil, path: URL? = nil, removeWhenDone: Bool = false, wait: Double = 60) throws
        -> ChromaProcess
    {
        guard let executable else { throw TestHTTP.Failure(message: "no chroma executable") }
        let port = port ?? freePort()
        let path =
            path
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("era-chroma-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: path, withIntermediateDirectories: true)
        let process = Process()
        // A shell watchdog: the server stops when the shell is terminated or the test process is
        // gone (however it exits), so no test leaves a server running. `chroma run` 1.5 ignores
        // SIGTERM and SIGINT, hence SIGKILL (its path is temporary).
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [
            "-c", watchdog, "chroma-watchdog", executable, path.path, String(port),
            String(ProcessInfo.processInfo.processIdentifier), removeWhenDone ? "remove" : "keep",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let server = ChromaProcess(process: process, port: port, path: path)
        let deadline = Date().addingTimeInterval(wait)
        while Date() < deadline {
            if ChromaTestServer.heartbeat(server.url) { return server }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.25)
        }
        server.stop()
        throw TestHTTP.Failure(message: "chroma run did not answer on port \(port) within \(wait) s")
    }

    private static let watchdog = """
        "$1" run --path "$2" --host 127.0.0.1 --port "$3" >/dev/null 2>&1 &
        child=$!
        trap 'kill -9 $child 2>/dev/null; wait $child; exit 0' TERM INT
        while kill -0 "$4" 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 0.5; done
        kill -9 $child 2>/dev/null; wait $child
        if [ "$5" = remove ]; then rm -rf "$2"; fi
        """

    /// Stops the server (SIGTERM, then SIGKILL) and waits for it to exit.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Stops the server and removes its path.
    func remove() {
        stop()
        try? FileManager.default.removeItem(at: path)
    }

    /// A port no server listens on now, from a random start (collisions are retried by the caller's heartbeat).
    static func freePort() -> Int {
        for _ in 0..<50 {
            let port = Int.random(in: 20_000..<60_000)
            if !ChromaTestServer.heartbeat("http://127.0.0.1:\(port)") { return port }
        }
        return 18_765
    }
}

/// Synchronous HTTP for test setup (creating and filling collections).
enum TestHTTP {
    struct Failure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    final class Box: @unchecked Sendable {
        var status = 0
        var data = Data()
        var error: Error?
    }

    static func send(_ method: String, _ url: String, json: Any? = nil, timeout: Double = 60) throws -> (
        status: Int, data: Data
    ) {
        var request = URLRequest(url: URL(string: url)!, timeoutInterval: timeout)
        request.httpMethod = method
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, error in
            box.status = (response as? HTTPURLResponse)?.statusCode ?? 0
            box.data = data ?? Data()
            box.error = error
            done.signal()
        }.resume()
        guard done.wait(timeout: .now() + timeout + 2) == .success else { throw Failure(message: "\(url): no answer") }
        if let error = box.error { throw error }
        return (box.status, box.data)
    }
}
