import AdapterFormat
import Foundation
import Testing
import Workflows
import _TestSupport

/// Issue 19, point 3: a pipeline's stage and the command its log prints give the same map. The
/// pipeline derives each stage's seed from its own seed and the stage name; the log names that
/// seed in the exact `era align` / `era adapt` line, so the command line reproduces the stage.
/// In the slow tier: it runs the quickstart's pipeline, then stage one and stage two again from the
/// logged command lines, through the debug binary (about 17 s of CPU).
@Suite(
    "same seed, same map: pipeline stages and their command lines",
    .enabled(if: SlowTier.isEnabled, "\(SlowTier.skipReason("a pipeline and its logged commands, about 17 s"))"))
struct SameSeedSlowTests {
    static let quickstart = SharedData.packageRoot.appendingPathComponent("Pipelines/quickstart")
    static var hasQuickstart: Bool {
        FileManager.default.fileExists(atPath: quickstart.appendingPathComponent("index.static.npy").path)
    }

    /// The words of a command line as a POSIX shell splits them (single quotes only, as era writes them).
    static func words(_ line: String) -> [String] {
        var words: [String] = [], current = "", quoted = false, inWord = false
        for character in line {
            if character == "'" { quoted.toggle(); inWord = true; continue }
            if character == " ", !quoted {
                if inWord { words.append(current) }
                current = ""; inWord = false
                continue
            }
            current.append(character); inWord = true
        }
        if inWord { words.append(current) }
        return words
    }

    /// The command line the stage's log.txt gives for its map.
    static func commandLine(stage: String, run: URL) throws -> [String] {
        let log = try String(contentsOf: run.appendingPathComponent("\(stage)/log.txt"), encoding: .utf8)
        let marker = "the same map from the command line"
        guard let line = log.split(separator: "\n").first(where: { $0.contains(marker) }),
            let start = line.range(of: "): era ")
        else {
            Issue.record("\(stage)/log.txt has no command line:\n\(log)")
            return []
        }
        return words(String(line[start.upperBound...]))
    }

    static func expectSameMap(_ a: Adapter, _ b: Adapter, _ what: String) {
        #expect(a.map.weight.shape == b.map.weight.shape, "\(what): shapes differ")
        let weight = zip(a.map.weight.storage, b.map.weight.storage).map { abs($0 - $1) }.max() ?? .infinity
        let bias = zip(a.map.bias, b.map.bias).map { abs($0 - $1) }.max() ?? 0
        #expect(weight <= 1e-6 && bias <= 1e-6, "\(what): weight differs by \(weight), bias by \(bias)")
        #expect(a.isHybrid == b.isHybrid, "\(what): one adapter is hybrid, the other not")
        if let v = a.indexWeight, let w = b.indexWeight {
            let index = zip(v.storage, w.storage).map { abs($0 - $1) }.max() ?? .infinity
            #expect(index <= 1e-6, "\(what): weight_index differs by \(index)")
        }
    }

    @Test(.enabled(if: hasQuickstart, "the quickstart data is not in this checkout"))
    func theLoggedCommandsReproduceAlignAndAdapt() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let root = SharedData.packageRoot.path
        // The quickstart's pipeline, made cheap (a sample, one epoch, a small budget, few steps); seed 3
        // so that the stage seeds differ from any default.
        try dir.write(
            """
            name: same-seed
            include:
              - \(root)/configs/models/mpnet-to-static.yaml
              - \(root)/configs/data/scifact-quickstart-static.yaml
            seed: 3
            output: run
            stages:
              - name: align
                extends: preset:align-default
                options: {samples: 300, epochs: 1}
              - name: adapt
                extends: preset:adapt-default
                options: {budget: 60, max_steps: 10, evaluation_interval: 5, folds: 2}
            """, to: "pipeline.yaml")
        let run = try EraProcess.run(["run", "pipeline.yaml"], in: dir.url)
        #expect(run.status == 0, "era run failed: \(run.stderr)")
        guard run.status == 0 else { return }
        // The choices are on the console too.
        #expect(run.stdout.contains("align: guardrail: "), "\(run.stdout)")
        #expect(run.stdout.contains("adapt: candidate: ") && run.stdout.contains("adapt: steps: "), "\(run.stdout)")
        let runDir = dir.url.appendingPathComponent("run")

        let align = try Self.commandLine(stage: "align", run: runDir)
        #expect(align.first == "align" && align.contains("--seed") && !align.contains("0"))
        let alignCLI = try EraProcess.run(align + ["--quiet"], in: dir.url)
        #expect(alignCLI.status == 0, "\(align.joined(separator: " ")) failed: \(alignCLI.stderr)")
        Self.expectSameMap(
            try Adapter.load(runDir.appendingPathComponent("align/adapter.safetensors")),
            try Adapter.load(dir.url.appendingPathComponent("align.safetensors")), "align")

        let adapt = try Self.commandLine(stage: "adapt", run: runDir)
        #expect(adapt.first == "adapt" && adapt.contains("--index-queries"))
        let adaptCLI = try EraProcess.run(adapt + ["--quiet"], in: dir.url)
        #expect(adaptCLI.status == 0, "\(adapt.joined(separator: " ")) failed: \(adaptCLI.stderr)")
        Self.expectSameMap(
            try Adapter.load(runDir.appendingPathComponent("adapt/adapter.safetensors")),
            try Adapter.load(dir.url.appendingPathComponent("adapt.safetensors")), "adapt")

        // The report says what the stages chose.
        let report = try String(contentsOf: runDir.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains("## What the stages chose") && report.contains("guardrail: "))
        #expect(report.contains("candidate: ") && report.contains("steps: "))
    }
}
