import Foundation
import LinearAlgebra
import Pipeline
import Testing
import _TestSupport

@testable import Postgres

/// The server stopped in the middle of an evaluation (issue 22's fault test), or of stage two's
/// mining, on a server of the test's own (``PrivateServer``): the run fails soon with a message that
/// names the server and the table and says what to do, leaves no half-written stage, and once the
/// server is back a second run resumes: the finished stages are reused, the rest run, and the
/// metrics are those of an uninterrupted run.
@Suite(.serialized) struct PostgresFaultTests {
    /// Stops the server once, from inside the run, and remembers when.
    final class Stopper: @unchecked Sendable {
        let server: PrivateServer
        private let lock = NSLock()
        private var stoppedAt: Date?
        private var failure: Error?

        init(_ server: PrivateServer) { self.server = server }

        func stopOnce() {
            lock.withLock {
                guard stoppedAt == nil, failure == nil else { return }
                do {
                    try server.stop(mode: "immediate")
                    stoppedAt = Date()
                } catch {
                    failure = error
                }
            }
        }

        var stopped: (at: Date?, failure: Error?) { lock.withLock { (stoppedAt, failure) } }
    }

    /// The top-level entries of `run` and the stages its manifest records.
    static func state(of run: URL) throws -> (entries: [String], stages: [String]) {
        let entries = try FileManager.default.contentsOfDirectory(atPath: run.path).sorted()
        let data = try Data(contentsOf: run.appendingPathComponent("manifest.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let stages = try #require(manifest["stages"] as? [String: Any])
        return (entries, stages.keys.sorted())
    }

    /// When the server is stopped, inside a stage that searches the table.
    enum Moment: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// The evaluation scores its rows in turn (index-as-is, align, adapt), each searched
        /// through the table: the first is done and the second begins.
        case midEvaluation
        /// Stage two begins: the table is pulled, its hard negatives are about to be mined through it.
        case midMining

        var testDescription: String { rawValue }
        var stage: String { self == .midEvaluation ? "evaluate" : "adapt" }
        /// The stages before the one that fails (kept, and up to date on the rerun).
        var finished: [String] { self == .midEvaluation ? ["align", "adapt"] : ["align"] }
        /// What the message says of the failed search besides the server and the table.
        var says: [String] {
            self == .midEvaluation
                ? ["data.index.postgres: lost the connection", "the run resumes at this one"]
                : ["the search through postgresql://", ": lost the connection"]
        }

        func isNow(stage: String, completed: Int) -> Bool {
            stage == self.stage && (self == .midMining || completed == 1)
        }
    }

    @Test(.enabled(if: PrivateServer.available), .timeLimit(.minutes(2)), arguments: Moment.allCases)
    func aServerStoppedMidStageFailsClearlyAndARerunResumes(_ moment: Moment) throws {
        let fixture = try PostgresPipelineTests.Fixture()
        let server = try PrivateServer(in: fixture.directory.url)
        defer { try? server.stop(mode: "fast") }
        let table = "fault_items"
        let location = try TestServer.load(
            ids: fixture.documentIds, vectors: fixture.documents, into: table,
            through: try PostgresConnection(uri: server.uri, policy: PostgresRetryPolicy()))
        // Three attempts 50 ms apart: era gives up within 0.05 × 2² = 0.2 s of waiting.
        let index =
            "    postgres: {uri: \"\(location.connection)\", table: \(table), retry_attempts: 3, retry_delay: 0.05}"
        let path = try fixture.pipeline("fault", index: index, alignFromIndex: false)
        let config = try PipelineConfig.load(path: path.path)
        let run = fixture.directory.file("run")

        // 1. The server stops from inside the run, at the moment.
        let stopper = Stopper(server)
        let faulted = PipelineRunner(config: config, registry: .builtIn, runDirectory: run) { event in
            if case .stageProgress(let progress) = event,
                moment.isNow(stage: progress.stage, completed: progress.completed)
            {
                stopper.stopOnce()
            }
        }
        var failure: PipelineRunError?
        do {
            _ = try faulted.run()
        } catch let error as PipelineRunError {
            failure = error
        }
        let failedAt = Date()
        let (stoppedAt, stopFailure) = stopper.stopped
        try #require(stopFailure == nil, "pg_ctl stop failed: \(String(describing: stopFailure))")
        let stopped = try #require(stoppedAt, "the run never reached the moment")
        let message = try #require(failure, "the run went on without its server").description

        // The error: the failed stage, the server and the table, what to do; soon after the stop.
        #expect(message.contains("stage \(moment.stage) (\(moment.stage)) failed"), "\(message)")
        #expect(message.contains("lost the connection to PostgreSQL at \(server.uri) during the search"), "\(message)")
        #expect(message.contains("queries in table \(table)"), "\(message)")
        #expect(message.contains("gave up after 3 attempts"), "\(message)")
        #expect(message.contains("is the server running?") && message.contains("run again"), "\(message)")
        for phrase in moment.says { #expect(message.contains(phrase), "\(message)") }
        let seconds = failedAt.timeIntervalSince(stopped)
        #expect(seconds < 5, "era gave up \(seconds) s after the server stopped (0.2 s of waits configured)")

        // 2. No half-written stage: no folder of the failed stage, no staging left, the manifest
        //    records the stages before it only, no metrics; the failed stage's log is kept beside the run.
        let afterFailure = try Self.state(of: run)
        let expected = [".era-run", ".lock", "config.resolved.yaml", "\(moment.stage).failed.log", "manifest.json"]
        #expect(afterFailure.entries == (expected + moment.finished).sorted(), "\(afterFailure.entries)")
        #expect(afterFailure.stages == moment.finished.sorted())
        let failedLog = try String(
            contentsOf: run.appendingPathComponent("\(moment.stage).failed.log"), encoding: .utf8)
        #expect(failedLog.contains("failed: ") && failedLog.contains("lost the connection"), "\(failedLog)")

        // 3. The server back: the rerun reuses the finished stages and runs the rest.
        try server.start()
        let resumed = try PipelineRunner(config: config, registry: .builtIn, runDirectory: run).run()
        #expect(resumed.skipped == moment.finished)
        #expect(resumed.ran == ["align", "adapt", "evaluate"].filter { !moment.finished.contains($0) })
        let afterResume = try Self.state(of: run)
        #expect(!afterResume.entries.contains("\(moment.stage).failed.log"), "\(afterResume.entries)")
        #expect(afterResume.stages == ["adapt", "align", "evaluate"])

        // Its metrics are those of an uninterrupted run, byte for byte.
        let clean = fixture.directory.file("clean")
        let uninterrupted = try PipelineRunner(config: config, registry: .builtIn, runDirectory: clean).run()
        #expect(uninterrupted.ran == ["align", "adapt", "evaluate"])
        #expect(resumed.metrics == uninterrupted.metrics)
        let rows = resumed.metrics.stages["evaluate"]?.evaluation?.rows.map(\.name)
        #expect(rows == ["index-as-is", "align", "adapt"])
        let metrics = { (directory: URL) in try Data(contentsOf: directory.appendingPathComponent("metrics.json")) }
        #expect(try metrics(run) == metrics(clean))

        // And a third run has nothing to do.
        let third = try PipelineRunner(config: config, registry: .builtIn, runDirectory: run).run()
        #expect(third.ran.isEmpty && third.skipped == ["align", "adapt", "evaluate"])
    }

    /// A server that stops answering without closing the connection (its process frozen here; a
    /// hung host or a dead network alike) never sends the error of its own statement timeout: era
    /// gives the session up after that timeout and its grace, and the retry on a new session answers.
    @Test(.enabled(if: PrivateServer.available), .timeLimit(.minutes(1)))
    func aSessionThatStopsAnsweringIsGivenUpAndRetried() throws {
        let directory = try TemporaryDirectory()
        let server = try PrivateServer(in: directory.url)
        defer { try? server.stop(mode: "immediate") }
        var generator = SeededGenerator(seed: 7)
        let vectors = Matrix.randomNormal(rows: 300, columns: 16, using: &generator).normalizedRows()
        let location = try TestServer.load(
            ids: (0..<300).map { "d\($0)" }, vectors: vectors, into: "frozen_items",
            through: try PostgresConnection(uri: server.uri, policy: PostgresRetryPolicy()))
        var policy = PostgresRetryPolicy()
        policy.statementTimeoutSeconds = 0.5
        policy.unansweredGraceSeconds = 0.5
        policy.firstDelay = 0.01
        let table = try PostgresTable(location, policy: policy)
        let queries = vectors.gatherRows(Array(0..<100))
        let answered = try table.nearest(queries, k: 10)

        let frozen = table.connection.backendPID
        try #require(frozen > 0 && kill(frozen, SIGSTOP) == 0, "cannot freeze the backend \(frozen)")
        // Thawed at the end, it finds its client gone and exits.
        defer { kill(frozen, SIGCONT) }
        let started = Date()
        let again = try table.nearest(queries, k: 10)
        let seconds = Date().timeIntervalSince(started)
        #expect(again == answered)
        #expect(table.connection.backendPID != frozen)
        #expect(seconds >= 1 && seconds < 10, "the frozen session was given up after \(seconds) s (1 s allowed)")
    }
}
