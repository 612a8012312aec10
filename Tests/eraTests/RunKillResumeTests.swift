import EmbeddingIO
import Foundation
import LinearAlgebra
import Testing
import _TestSupport

/// `era run` killed with SIGKILL in the middle of training, then run again: the run directory
/// holds only complete files (plus leftovers with reserved names the next run removes), the
/// re-run finishes with the same `metrics.json` bytes as an uninterrupted run, and a third run
/// does no work.
///
/// The pipeline is a tiny synthetic one (a few hundred planted rows) whose adapt stage trains for a
/// few seconds in a debug build: long enough for the kill to land inside it (the test checks that
/// it did), short enough that the four runs take seconds, not the minutes of the quickstart.
@Suite struct RunKillResumeTests {
    /// A planted problem in `dir`: 400 documents (m = 16), 300 queries (p = 24) near their document
    /// through a fixed linear map, 200 alignment pairs, 200 labeled and 100 test queries.
    static func writeData(in dir: URL) throws {
        var g = SeededGenerator(seed: 21)
        let (p, m, documents, queries, pairs) = (24, 16, 400, 300, 200)
        var docs = Matrix.randomNormal(rows: documents, columns: m, using: &g)
        docs.normalizeRows()
        let mix = Matrix.randomNormal(rows: p, columns: m, using: &g)
        func queryModel(_ doc: Int, noise: Double, _ g: inout SeededGenerator) -> [Float] {
            (0..<p).map { i in
                var value: Float = 0
                for j in 0..<m { value += mix[i, j] * docs[doc, j] }
                return value + Float(noise * g.normal())
            }
        }
        var x = Matrix(rows: queries, columns: p)
        var train = "query-id\tcorpus-id\tscore\n", test = train
        for q in 0..<queries {
            let doc = (q * 7 + 3) % documents
            for (i, value) in queryModel(doc, noise: 0.3, &g).enumerated() { x[q, i] = value }
            if q < 200 { train += "q\(q)\td\(doc)\t1\n" } else { test += "q\(q)\td\(doc)\t1\n" }
        }
        var alignQuery = Matrix(rows: pairs, columns: p), alignIndex = Matrix(rows: pairs, columns: m)
        for a in 0..<pairs {
            let doc = (a * 2 + 1) % documents
            for (i, value) in queryModel(doc, noise: 0.05, &g).enumerated() { alignQuery[a, i] = value }
            for j in 0..<m { alignIndex[a, j] = docs[doc, j] }
        }
        try Npy.write(x, to: dir.appendingPathComponent("queries.npy"))
        try Npy.write(docs, to: dir.appendingPathComponent("corpus.npy"))
        try Npy.write(alignQuery, to: dir.appendingPathComponent("align.query.npy"))
        try Npy.write(alignIndex, to: dir.appendingPathComponent("align.index.npy"))
        func ids(_ prefix: String, _ values: some Sequence<Int>) -> Data {
            Data((values.map { "\(prefix)\($0)" }.joined(separator: "\n") + "\n").utf8)
        }
        try ids("q", 0..<queries).write(to: dir.appendingPathComponent("query_ids.txt"))
        try ids("d", 0..<documents).write(to: dir.appendingPathComponent("corpus_ids.txt"))
        try ids("d", (0..<pairs).map { ($0 * 2 + 1) % documents }).write(
            to: dir.appendingPathComponent("align_ids.txt"))
        try Data(train.utf8).write(to: dir.appendingPathComponent("qrels.train.tsv"))
        try Data(test.utf8).write(to: dir.appendingPathComponent("qrels.test.tsv"))
    }

    /// The pipeline over `writeData`'s files; its adapt stage runs many small steps without early
    /// stopping, so that it lasts a few seconds.
    static let pipelineText = """
        name: kill-resume
        seed: 0
        models:
          query: {name: planted-query-model, dim: 24}
          index: {name: planted-index-model, dim: 16}
        data:
          queries: {embeddings: queries.npy, ids: query_ids.txt}
          index: {embeddings: corpus.npy, ids: corpus_ids.txt}
          alignment: {query_model: align.query.npy, index_model: align.index.npy, ids: align_ids.txt}
          qrels: {labeled: qrels.train.tsv, evaluation: qrels.test.tsv}
        stages:
          - name: align
            options: {epochs: 2}
          - name: adapt
            options: {max_steps: \(adaptSteps), evaluation_interval: 50, patience: 1000, folds: 2, batch_size: 16}
          - kind: evaluate
            options: {significance_trials: 200}
          - kind: export
        """

    /// Steps of the adapt stage: a few seconds of training in a debug build.
    static let adaptSteps = 1200

    static func arguments(output: URL) -> [String] {
        [
            "run", output.deletingLastPathComponent().appendingPathComponent("pipeline.yaml").path,
            "--set", "output=\(output.path)",
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

    @Test(.timeLimit(.minutes(2)))
    func killDuringAdaptThenResume() throws {
        let temp = try TemporaryDirectory()
        defer { temp.cleanUp() }
        try Self.writeData(in: temp.url)
        try temp.write(Self.pipelineText, to: "pipeline.yaml")
        let killed = temp.url.appendingPathComponent("killed")
        let clean = temp.url.appendingPathComponent("clean")

        // 1. Start, wait until the adapt stage runs, let it train a moment, SIGKILL.
        let running = try EraProcess.start(Self.arguments(output: killed))
        let started = running.waitForStderrLine(timeout: 60) { $0.hasPrefix("adapt: running") }
        if started != nil { Thread.sleep(forTimeInterval: 0.3) }
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
