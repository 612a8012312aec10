import Foundation
import Testing
import _TestSupport

/// `era run` killed with SIGKILL in the middle of training, then run again: the run directory
/// holds only complete files (plus leftovers with reserved names the next run removes), the
/// re-run finishes with the same `metrics.json` bytes as an uninterrupted run, and a third run
/// does no work.
@Suite struct RunKillResumeTests {
    static let root = SharedData.packageRoot
    static let pipeline = root.appendingPathComponent("Pipelines/quickstart.yaml").path
    static let quickstartPresent = FileManager.default.fileExists(
        atPath: root.appendingPathComponent("Pipelines/quickstart/index.minilm.npy").path)

    /// The quickstart with a shorter adapt stage (still several seconds in a debug build, so the
    /// kill lands inside it; the test checks that it did).
    static func arguments(output: URL) -> [String] {
        [
            "run", pipeline, "--set", "output=\(output.path)",
            "--set", "stages.adapt.options.max_steps=40",
        ]
    }

    /// Reserved names of what a killed run may leave behind (RunDirectory.isLeftover).
    static func isLeftover(_ name: String) -> Bool {
        name.hasPrefix(".staging-") || name.hasPrefix(".replaced-") || (name.hasPrefix(".") && name.contains(".tmp-"))
    }

    /// Every path under `directory`, relative to it, sorted.
    static func listing(_ directory: URL) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: directory.path)
        var paths = [String]()
        while let path = enumerator?.nextObject() as? String { paths.append(path) }
        return paths.sorted()
    }

    static func json(_ url: URL) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        return try #require(object as? [String: Any], "\(url.path) is not a JSON object")
    }

    @Test(
        .enabled(if: quickstartPresent, "the quickstart data is not in this checkout"),
        .timeLimit(.minutes(5)))
    func killDuringAdaptThenResume() throws {
        let temp = try TemporaryDirectory()
        defer { temp.cleanUp() }
        let killed = temp.url.appendingPathComponent("killed")
        let clean = temp.url.appendingPathComponent("clean")

        // 1. Start, wait until the adapt stage runs, let it train a moment, SIGKILL.
        let running = try EraProcess.start(Self.arguments(output: killed))
        let started = running.waitForStderrLine(timeout: 180) { $0.hasPrefix("adapt: running") }
        if started != nil { Thread.sleep(forTimeInterval: 1.5) }
        running.send(SIGKILL)
        let (first, bySignal) = running.waitUntilExit()
        try #require(started != nil, "the adapt stage never started; stderr:\n\(first.stderr)")
        try #require(
            bySignal && first.status == SIGKILL,
            "era ended (status \(first.status)) before the kill: adapt is too short to test a kill during it; stderr:\n\(first.stderr)"
        )
        #expect(!first.stderr.contains("adapt: done"), "adapt finished before the kill")

        // 2. What the kill left: complete files, a completed align stage, no adapt folder, and
        //    nothing else but leftovers with reserved names.
        let afterKill = Self.listing(killed)
        let topLevel = Set(afterKill.filter { !$0.contains("/") })
        let kept = topLevel.filter { !Self.isLeftover($0) }
        #expect(
            kept == [".lock", ".era-run", "config.resolved.yaml", "manifest.json", "align"],
            "unexpected entries after the kill: \(afterKill)")
        #expect(
            !afterKill.contains { $0.hasPrefix("align/") && Self.isLeftover(($0 as NSString).lastPathComponent) },
            "temporary files inside the completed align folder: \(afterKill)")
        let manifest = try Self.json(killed.appendingPathComponent("manifest.json"))
        let recorded = try #require(manifest["stages"] as? [String: Any])
        #expect(Set(recorded.keys) == ["align"], "manifest records \(recorded.keys.sorted()) after a kill during adapt")
        let alignRecord = try Self.json(killed.appendingPathComponent("align/stage.json"))
        #expect(alignRecord["fingerprint"] as? String != nil)
        for artifact in ["adapter.safetensors", "training-log.json", "log.txt"] {
            let attributes = try FileManager.default.attributesOfItem(
                atPath: killed.appendingPathComponent("align/\(artifact)").path)
            #expect((attributes[.size] as? Int ?? 0) > 0, "align/\(artifact) is empty")
        }
        _ = try Self.json(killed.appendingPathComponent("align/training-log.json"))
        _ = try String(contentsOf: killed.appendingPathComponent("config.resolved.yaml"), encoding: .utf8)

        // 3. Run again to completion: align is kept, the rest runs, no leftover remains.
        let resumeStart = Date()
        let resumed = try EraProcess.run(Self.arguments(output: killed))
        let resumeSeconds = Date().timeIntervalSince(resumeStart)
        #expect(resumed.status == 0, "re-run failed:\n\(resumed.stderr)")
        #expect(resumed.stdout.contains("ran: adapt, evaluate, export; up to date: align"), "\(resumed.stdout)")
        let afterResume = Self.listing(killed)
        #expect(
            !afterResume.contains { Self.isLeftover(($0 as NSString).lastPathComponent) },
            "leftovers after the re-run: \(afterResume)")

        // 4. An uninterrupted run elsewhere gives the same metrics.json, byte for byte.
        let uninterrupted = try EraProcess.run(Self.arguments(output: clean))
        #expect(uninterrupted.status == 0, "clean run failed:\n\(uninterrupted.stderr)")
        let resumedMetrics = try Data(contentsOf: killed.appendingPathComponent("metrics.json"))
        let cleanMetrics = try Data(contentsOf: clean.appendingPathComponent("metrics.json"))
        #expect(!cleanMetrics.isEmpty)
        #expect(resumedMetrics == cleanMetrics, "metrics.json after kill + re-run differs from an uninterrupted run")

        // 5. A third run finds everything up to date: no training, and fast.
        let thirdStart = Date()
        let third = try EraProcess.run(Self.arguments(output: killed))
        let thirdSeconds = Date().timeIntervalSince(thirdStart)
        #expect(third.status == 0, "third run failed:\n\(third.stderr)")
        #expect(third.stdout.contains("ran: nothing; up to date: align, adapt, evaluate, export"), "\(third.stdout)")
        #expect(!third.stderr.contains("running"), "a stage ran again:\n\(third.stderr)")
        #expect(
            thirdSeconds < max(10, resumeSeconds / 3),
            "the up-to-date run took \(thirdSeconds) s (the re-run took \(resumeSeconds) s)")
        #expect(try Data(contentsOf: killed.appendingPathComponent("metrics.json")) == cleanMetrics)
    }
}
