import Foundation

/// A PostgreSQL server of a test's own, for tests that stop and start it: the server of
/// `ERA_POSTGRES_URI` serves other tests and must stay up. `initdb` makes its cluster in a
/// temporary directory, and it serves only on a Unix socket there (no TCP port to collide with).
///
/// The binaries (`initdb`, `pg_ctl`, with `postgres` and pgvector beside them) come from
/// `ERA_PG_BIN`: `.ci/run` exports the `pginstall/bin` of the pgserver wheel it installs. PostgreSQL
/// refuses to run as root, so as root the commands run as `ERA_PG_USER` (default `pgserver`, the
/// user pgserver itself creates to run as) through `runuser`.
final class PrivateServer: @unchecked Sendable {
    static let binaries = ProcessInfo.processInfo.environment["ERA_PG_BIN"]
    static let runUser = ProcessInfo.processInfo.environment["ERA_PG_USER"] ?? "pgserver"
    static let runuser = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Why a private server cannot be made here, or nil when it can.
    static var unavailableReason: String? {
        guard let binaries else { return "ERA_PG_BIN is not set (.ci/run sets it to pgserver's pginstall/bin)" }
        for tool in ["initdb", "pg_ctl", "postgres"]
        where !FileManager.default.isExecutableFile(atPath: binaries + "/" + tool) {
            return "ERA_PG_BIN=\(binaries) has no executable \(tool)"
        }
        if geteuid() == 0 {
            guard runuser != nil else { return "running as root and runuser is not installed" }
            guard getpwnam(runUser) != nil else {
                return "running as root and there is no user \(runUser) to run PostgreSQL as (set ERA_PG_USER)"
            }
        }
        return nil
    }

    /// Whether the tests that need a private server can run; prints why they skip when they cannot.
    static var available: Bool {
        guard let reason = unavailableReason else { return true }
        print("PostgresFaultTests: skipped, \(reason)")
        return false
    }

    /// The socket directory (the cluster is in its `data` folder, the server's log beside it).
    let directory: URL
    private let lock = NSLock()
    private var running = false

    /// The libpq URI of the `postgres` database (user `postgres`, trust authentication).
    var uri: String { "postgresql://postgres@/postgres?host=\(directory.path)" }

    /// Makes a cluster in `parent`/pg and starts it.
    init(in parent: URL) throws {
        directory = parent.appendingPathComponent("pg", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if geteuid() == 0, let user = getpwnam(Self.runUser) {
            try FileManager.default.setAttributes(
                [.ownerAccountID: NSNumber(value: user.pointee.pw_uid)], ofItemAtPath: directory.path)
        }
        try run(
            "initdb",
            ["-D", directory.appendingPathComponent("data").path, "-U", "postgres", "--auth=trust", "--no-sync"])
        try start()
    }

    deinit { try? stop(mode: "fast") }

    /// Starts the server and waits until it accepts connections.
    func start() throws {
        try run(
            "pg_ctl",
            [
                "-D", directory.appendingPathComponent("data").path, "-l", directory.appendingPathComponent("log").path,
                "-o", "-k \(directory.path) -c listen_addresses='' -c fsync=off", "-w", "start",
            ])
        lock.withLock { running = true }
    }

    /// Stops the server and waits until it is gone; `immediate` kills the server processes at once,
    /// as a crash or a pulled plug would (the next start recovers from the write-ahead log).
    func stop(mode: String = "immediate") throws {
        guard lock.withLock({ running }) else { return }
        try run("pg_ctl", ["-D", directory.appendingPathComponent("data").path, "-m", mode, "-w", "stop"])
        lock.withLock { running = false }
    }

    /// Runs a PostgreSQL tool to its end (as `runUser` when root), its output in a file beside the cluster.
    ///
    /// Spawned here rather than by Foundation's `Process`: `pg_ctl start` leaves the postmaster
    /// running with what it inherited, and `Process` learns of its child's end through a socket the
    /// child inherits, so waiting for `pg_ctl` would last as long as the server. The tool gets
    /// /dev/null, the output file, and no other descriptor of the test process.
    private func run(_ tool: String, _ arguments: [String]) throws {
        let executable = (Self.binaries ?? "") + "/" + tool
        var command = [executable] + arguments
        if geteuid() == 0, let runuser = Self.runuser { command = [runuser, "-u", Self.runUser, "--"] + command }
        let output = directory.deletingLastPathComponent().appendingPathComponent("pg-\(tool).out").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        Self.closeInheritedDescriptors(&actions)
        let argv = command.map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, command[0], &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw PrivateServerError(message: "cannot start \(command[0]): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // Exited normally (no signal) with status 0.
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            throw PrivateServerError(message: "\(tool) \(arguments.joined(separator: " ")) failed:\n\(text)")
        }
    }
}

extension PrivateServer {
    /// Adds to `actions` the closing of every descriptor from 3 up: glibc's
    /// `posix_spawn_file_actions_addclosefrom_np` (2.34 and later; Swift's Glibc module does not
    /// declare it), else a close of each descriptor now open.
    static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
            return
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for fd in open.compactMap({ Int32($0) }) where fd > 2 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
    }
}

struct PrivateServerError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
