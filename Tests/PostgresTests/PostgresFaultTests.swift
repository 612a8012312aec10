import Foundation
import Pipeline
import Testing
import _TestSupport

@testable import Postgres

/// The server stopped in the middle of an evaluation (issue 22's fault test), on a server of the
/// test's own (``PrivateServer``): the run fails soon with a message that names the server and the
/// table and says what to do, leaves no half-written stage, and once the server is back a second
/// run resumes: align and adapt are reused, the evaluation runs, and its metrics are those of an
/// uninterrupted run.
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

    @Test(.enabled(if: PrivateServer.available), .timeLimit(.minutes(2)))
    func aServerStoppedMidEvaluationFailsClearlyAndARerunResumes() throws {
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

        // 1. The evaluation scores its rows in turn (index-as-is, align, adapt), each searched
        //    through the table: the server stops when the first is done and the second begins.
        let stopper = Stopper(server)
        let faulted = PipelineRunner(config: config, registry: .builtIn, runDirectory: run) { event in
            if case .stageProgress(let progress) = event, progress.stage == "evaluate", progress.completed == 1 {
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
        let stopped = try #require(stoppedAt, "the evaluation never reached its second row")
        let message = try #require(failure, "the run went on without its server").description

        // The error: the failed stage, the server and the table, what to do; soon after the stop.
        #expect(message.contains("stage evaluate (evaluate) failed"), "\(message)")
        #expect(message.contains("data.index.postgres: lost the connection to PostgreSQL at \(server.uri)"), "\(message)")
        #expect(message.contains("queries in table \(table)"), "\(message)")
        #expect(message.contains("gave up after 3 attempts"), "\(message)")
        #expect(message.contains("is the server running?") && message.contains("run again"), "\(message)")
        #expect(message.contains("the run resumes at this one"), "\(message)")
        let seconds = failedAt.timeIntervalSince(stopped)
        #expect(seconds < 5, "era gave up \(seconds) s after the server stopped (0.2 s of waits configured)")

        // 2. No half-written stage: no evaluate folder, no staging left, the manifest records align
        //    and adapt only, no metrics; the failed stage's log is kept beside the run.
        let afterFailure = try Self.state(of: run)
        #expect(
            afterFailure.entries == [
                ".era-run", ".lock", "adapt", "align", "config.resolved.yaml", "evaluate.failed.log", "manifest.json",
            ], "\(afterFailure.entries)")
        #expect(afterFailure.stages == ["adapt", "align"])
        let failedLog = try String(contentsOf: run.appendingPathComponent("evaluate.failed.log"), encoding: .utf8)
        #expect(failedLog.contains("failed: ") && failedLog.contains("lost the connection"), "\(failedLog)")

        // 3. The server back: the rerun reuses align and adapt and runs the evaluation only.
        try server.start()
        let resumed = try PipelineRunner(config: config, registry: .builtIn, runDirectory: run).run()
        #expect(resumed.ran == ["evaluate"])
        #expect(resumed.skipped == ["align", "adapt"])
        let afterResume = try Self.state(of: run)
        #expect(!afterResume.entries.contains("evaluate.failed.log"), "\(afterResume.entries)")
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
}
