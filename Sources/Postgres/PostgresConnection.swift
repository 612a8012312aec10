internal import CLibpq
import Foundation

/// One libpq connection, serialized by a lock, reconnected on loss. Every statement era sends reads,
/// so a statement that failed with the connection (or on era's statement timeout) is sent again.
final class PostgresConnection: @unchecked Sendable {
    private let lock = NSLock()
    private var connection: OpaquePointer?
    private let conninfo: String
    let policy: PostgresRetryPolicy
    /// The server as a person names it: the URI without era's parameters (it holds no password).
    let server: String
    /// `SET` statements replayed after every (re)connection.
    private var settings: [String] = []
    /// Why the last statement has no result when the connection was given up on without an answer.
    private var abandoned: String?

    init(uri: String, policy: PostgresRetryPolicy) throws {
        self.policy = policy
        server = uri
        var info = uri
        if !uri.contains("connect_timeout=") {
            info += (uri.contains("?") ? "&" : "?") + "connect_timeout=\(policy.connectTimeoutSeconds)"
        }
        conninfo = info
        try lock.withLock { try connectLocked() }
    }

    deinit { if let connection { PQfinish(connection) } }

    /// Sets a server parameter for this session, now and after every reconnection.
    func set(_ name: String, _ value: String) throws {
        let statement = "SET \(name) = \(value)"
        lock.withLock {
            settings.removeAll { $0.hasPrefix("SET \(name) ") }
            settings.append(statement)
        }
        _ = try query(statement, what: statement)
    }

    /// Runs `sql` with text parameters; results in binary when `binary` (vectors and text columns
    /// then arrive as raw bytes). Retries on connection loss and on era's statement timeout.
    func query(_ sql: String, parameters: [String] = [], binary: Bool = false, what: String) throws -> PostgresRows {
        try lock.withLock {
            var attempt = 0
            while true {
                attempt += 1
                let result = execute(sql, parameters, binary)
                let status = PQresultStatus(result)
                if status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK {
                    return PostgresRows(result!)
                }
                let state =
                    result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) }
                    ?? ""
                let message = result.flatMap { PQresultErrorMessage($0) }.map { String(cString: $0) } ?? failure
                PQclear(result)
                try retryOrThrow(attempt: attempt, state: state, message: message, what: what)
            }
        }
    }

    /// Runs a `COPY ... TO STDOUT` and hands each data row to `row`; `restart` is called before a
    /// retry (after a lost connection) so that the caller drops what it took from the failed attempt.
    func copyOut(_ sql: String, what: String, restart: () -> Void, row: (UnsafeRawBufferPointer) throws -> Void) throws
    {
        try lock.withLock {
            var attempt = 0
            while true {
                attempt += 1
                let started = execute(sql, [], false)
                guard PQresultStatus(started) == PGRES_COPY_OUT else {
                    let state =
                        started.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }
                        .map { String(cString: $0) } ?? ""
                    let message = started.flatMap { PQresultErrorMessage($0) }.map { String(cString: $0) } ?? failure
                    PQclear(started)
                    try retryOrThrow(attempt: attempt, state: state, message: message, what: what)
                    restart()
                    continue
                }
                PQclear(started)
                var failed: (state: String, message: String)? = nil
                while true {
                    var buffer: UnsafeMutablePointer<CChar>? = nil
                    let length = PQgetCopyData(connection, &buffer, 1)
                    if length > 0, let buffer {
                        defer { PQfreemem(buffer) }
                        try row(UnsafeRawBufferPointer(start: buffer, count: Int(length)))
                    } else if length == 0 {
                        // No whole row yet: wait for more (or give the session up).
                        guard awaitInput() else {
                            failed = ("", failure)
                            break
                        }
                    } else if length == -1 {
                        break
                    } else {
                        failed = ("", failure)
                        break
                    }
                }
                if failed == nil {
                    let end = awaitResult()
                    if PQresultStatus(end) != PGRES_COMMAND_OK {
                        let state =
                            end.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }
                            .map { String(cString: $0) } ?? ""
                        failed = (
                            state, end.flatMap { PQresultErrorMessage($0) }.map { String(cString: $0) } ?? failure
                        )
                    }
                    PQclear(end)
                }
                guard let failed else { return }
                try retryOrThrow(attempt: attempt, state: failed.state, message: failed.message, what: what)
                restart()
            }
        }
    }

    /// The server process serving this connection (for tests that cut it).
    var backendPID: Int32 { lock.withLock { PQbackendPID(connection) } }

    /// Escapes `name` as an SQL identifier (`"schema"."table"` for a dotted name).
    func identifier(_ name: String) -> String {
        name.split(separator: ".", omittingEmptySubsequences: false).map { part -> String in
            "\"" + part.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }.joined(separator: ".")
    }

    // MARK: - Under the lock

    /// Sends `sql` and waits for its result (a `COPY OUT` result as soon as the rows start); nil
    /// when none came, the reason then in `failure`.
    ///
    /// libpq's own `PQexecParams` would wait for ever on a server that stopped answering without
    /// closing the connection (frozen, or behind a dead network): its `statement_timeout` never
    /// fires. So the statement is sent without blocking and every wait is bounded (`awaitInput()`).
    private func execute(_ sql: String, _ parameters: [String], _ binary: Bool) -> OpaquePointer? {
        abandoned = nil
        guard finishLeftovers() else { return nil }
        let count = Int32(parameters.count)
        let copies = parameters.map { strdup($0) }
        defer { for copy in copies { free(copy) } }
        let values: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) }
        let sent = values.withUnsafeBufferPointer { pointers in
            PQsendQueryParams(connection, sql, count, nil, pointers.baseAddress, nil, nil, binary ? 1 : 0)
        }
        guard sent == 1 else { return nil }
        return awaitResult()
    }

    /// Finishes what an earlier statement left on the connection (the rest of a COPY whose reader
    /// stopped, a result not read after an error), as `PQexec` does before it sends: a statement
    /// sent while another is in progress would be refused. False when the session was given up.
    private func finishLeftovers() -> Bool {
        while connection != nil, PQtransactionStatus(connection) == PQTRANS_ACTIVE {
            var buffer: UnsafeMutablePointer<CChar>? = nil
            let length = PQgetCopyData(connection, &buffer, 1)
            if let buffer { PQfreemem(buffer) }
            if length > 0 { continue }
            if length == 0 {
                guard awaitInput() else { return false }
                continue
            }
            // Not in a COPY (any more): the results that remain, read and dropped.
            while PQisBusy(connection) == 1 {
                guard awaitInput() else { return false }
            }
            if let result = PQgetResult(connection) { PQclear(result) }
        }
        return true
    }

    /// The next result of the statement sent (the first error if there are several), or nil.
    private func awaitResult() -> OpaquePointer? {
        var kept: OpaquePointer? = nil
        while true {
            while PQisBusy(connection) == 1 || PQflush(connection) == 1 {
                guard awaitInput() else {
                    PQclear(kept)
                    return nil
                }
            }
            guard let next = PQgetResult(connection) else { return kept }
            let status = PQresultStatus(next)
            if status == PGRES_COPY_OUT {
                PQclear(kept)
                return next
            }
            if kept == nil || (status == PGRES_FATAL_ERROR && PQresultStatus(kept) != PGRES_FATAL_ERROR) {
                PQclear(kept)
                kept = next
            } else {
                PQclear(next)
            }
        }
    }

    /// Sends what is queued and reads what arrived, waiting at most the statement timeout and
    /// `PostgresRetryPolicy.unansweredGraceSeconds` for the server. False when the session is
    /// given up on (closed, the reason in `abandoned`); true when there is something to read, or
    /// an error libpq now reports.
    private func awaitInput() -> Bool {
        guard let connection else { return true }
        let socket = PQsocket(connection)
        guard socket >= 0 else { return true }
        let allowance = policy.statementTimeoutSeconds + policy.unansweredGraceSeconds
        let flushing = PQflush(connection)
        guard flushing >= 0 else { return true }
        var descriptor = pollfd(
            fd: socket, events: Int16(POLLIN) | (flushing == 1 ? Int16(POLLOUT) : 0), revents: 0)
        let ready = poll(&descriptor, 1, Int32(min(allowance * 1000, Double(Int32.max))))
        let pollError = errno
        if ready == 0 || (ready < 0 && pollError != EINTR) {
            abandoned =
                ready == 0
                ? "no answer in " + String(format: "%g", allowance) + " s (era's statement timeout "
                    + String(format: "%g", policy.statementTimeoutSeconds) + " s and "
                    + String(format: "%g", policy.unansweredGraceSeconds) + " s more): the session was given up"
                : "cannot wait for the server's answer: " + String(cString: strerror(pollError))
            PQfinish(connection)
            self.connection = nil
            return false
        }
        // Readable, hung up or in error alike: libpq reads what there is (an end of file marks the
        // connection lost), so that a hang-up reported without POLLIN cannot spin this loop.
        if ready > 0 { _ = PQconsumeInput(connection) }
        return true
    }

    /// What went wrong with the last statement when it has no error result of its own.
    private var failure: String { abandoned ?? String(cString: PQerrorMessage(connection)) }

    /// Reconnects and returns when the failure is a lost connection or era's statement timeout and
    /// attempts remain (after the backoff); throws otherwise.
    private func retryOrThrow(attempt: Int, state: String, message: String, what: String) throws {
        let lost = PQstatus(connection) != CONNECTION_OK
        let timedOut = state == "57014"
        guard (lost || timedOut) && attempt < policy.attempts else {
            if lost {
                throw PostgresError.connectionLost(server: server, during: what, reason: message, attempts: attempt)
            }
            throw PostgresError.rejected(table: server, statement: what, state: state, message: message)
        }
        Thread.sleep(forTimeInterval: policy.firstDelay * pow(2, Double(attempt - 1)))
        guard lost else { return }
        do {
            try connectLocked(reconnecting: true)
        } catch PostgresError.unreachable(_, let reason, let attempts) {
            // Said as what it is: the server went away under a statement (not a wrong URI at the start).
            throw PostgresError.connectionLost(server: server, during: what, reason: reason, attempts: attempts)
        }
    }

    private func connectLocked(reconnecting: Bool = false) throws {
        var attempt = 0
        while true {
            attempt += 1
            if let connection { PQfinish(connection) }
            connection = PQconnectdb(conninfo)
            if PQstatus(connection) == CONNECTION_OK {
                // Server notices (NOTICE, WARNING) would go to stderr unasked; era reads only.
                PQsetNoticeProcessor(connection, { _, _ in }, nil)
                // Sending must not block either: a batch of queries outgrows the socket's buffer.
                PQsetnonblocking(connection, 1)
                break
            }
            let message = String(cString: PQerrorMessage(connection))
            // A refused login will not change on a retry; a server that is down may come back.
            let loginRefused =
                message.contains("password authentication failed") || message.contains("role \"")
                || message.contains("database \"")
            guard !loginRefused && attempt < policy.attempts else {
                throw PostgresError.unreachable(server: server, reason: message, attempts: attempt)
            }
            Thread.sleep(forTimeInterval: policy.firstDelay * pow(2, Double(attempt - 1)))
        }
        let timeout = "SET statement_timeout = \(Int(policy.statementTimeoutSeconds * 1000))"
        for statement in [timeout] + settings {
            let result = execute(statement, [], false)
            defer { PQclear(result) }
            if let abandoned { throw PostgresError.unreachable(server: server, reason: abandoned, attempts: attempt) }
            guard PQresultStatus(result) == PGRES_COMMAND_OK else {
                throw PostgresError.rejected(table: server, statement: statement, state: "", message: failure)
            }
        }
    }
}
