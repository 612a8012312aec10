import AdapterFormat
import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra
import Testing
import Workflows

@testable import Pipeline

@Suite("Pipeline runner")
struct PipelineRunnerTests {
    /// align -> adapt -> evaluate -> sweep -> export, plus an evaluation of baselines only that
    /// depends on nothing.
    static let stages = """
        stages:
          - kind: align
            options: {epochs: 2}
          - kind: adapt
          - kind: evaluate
          - kind: sweep
            options: {budgets: [1, 2, 4], repeats: 2}
          - kind: export
          - name: baselines
            kind: evaluate
            after: []
            options: {maps: []}
        """

    struct Setup {
        let fixture: PipelineFixture
        let invocations = InvocationLog()

        init() throws {
            fixture = try PipelineFixture()
            try fixture.write(
                "Pipelines/demo.yaml",
                pipeline(stages: PipelineRunnerTests.stages)
                    .replacingOccurrences(of: ": data/", with: ": ../data/"))
        }

        func run(
            overrides: [String] = [], from: String? = nil, force: Bool = false,
            registry: StageRegistry? = nil
        ) throws -> RunSummary {
            invocations.reset()
            let config = try fixture.load("Pipelines/demo.yaml", overrides: overrides)
            let runner = PipelineRunner(
                config: config, registry: registry ?? FakeStage.registry(invocations),
                currentDirectory: fixture.root.path)
            return try runner.run(from: from, force: force)
        }

        var runDirectory: URL { fixture.url("runs/demo") }

        func read(_ name: String) throws -> Data {
            try Data(contentsOf: runDirectory.appendingPathComponent(name))
        }

        /// Names in the run directory that only a killed or unfinished write would leave.
        func leftovers() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: runDirectory.path).filter(RunDirectory.isLeftover)
        }
    }

    @Test func firstRunWritesTheRunDirectory() throws {
        let setup = try Setup()
        defer { setup.fixture.remove() }
        let summary = try setup.run()
        #expect(summary.ran == ["align", "adapt", "evaluate", "sweep", "export", "baselines"])
        #expect(summary.skipped.isEmpty)
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: setup.runDirectory.path))
        for expected in [
            "config.resolved.yaml", "manifest.json", "metrics.json", "report.md", "report.html",
            "budget-sweep-all.svg", "align", "adapt", "evaluate", "sweep", "export", "baselines",
        ] {
            #expect(names.contains(expected), "\(expected) missing")
        }
        #expect(try setup.leftovers().isEmpty)
        let log = try String(decoding: setup.read("align/log.txt"), as: UTF8.self)
        #expect(log.contains("running align") && log.hasSuffix("done\n"))
        #expect(
            FileManager.default.fileExists(
                atPath: setup.runDirectory.appendingPathComponent("export/adapter.safetensors").path))

        let manifest = try JSONDecoder().decode(RunManifest.self, from: setup.read("manifest.json"))
        #expect(manifest.eraVersion == EraVersion.current)
        #expect(manifest.finished != nil)
        // This test process was not restarted: the kernels are OpenBLAS's own choice.
        #expect(manifest.blasKernels == BLASKernels.coreName && manifest.blasKernelsOpenBLASChose == nil)
        #expect(Set(manifest.stages.keys) == Set(summary.ran))
        let alignInput = try #require(manifest.inputs["data.alignment.query_model"])
        #expect(alignInput.sha256 == (try SHA256.hex(fileAt: setup.fixture.url("data/align.q.npy").path)))
        #expect(manifest.inputs["data.index.embeddings"] != nil)

        let resolved = try String(decoding: setup.read("config.resolved.yaml"), as: UTF8.self)
        #expect(resolved.contains("temperature: 0.05") && resolved.contains("epochs: 2"))
        // The resolved configuration is itself a pipeline that loads to the same configuration.
        let reloaded = try setup.fixture.load("runs/demo/config.resolved.yaml")
        let original = try setup.fixture.load("Pipelines/demo.yaml")
        #expect(
            reloaded.stages
                == original.stages.map { stage in
                    var stage = stage
                    stage.location = reloaded.stage(named: stage.name)?.location ?? stage.location
                    return stage
                })
        #expect(try CanonicalJSON.encode(reloaded.data) == CanonicalJSON.encode(original.data))
    }

    @Test func secondRunSkipsEverythingAndWritesTheSameMetrics() throws {
        let setup = try Setup()
        defer { setup.fixture.remove() }
        _ = try setup.run()
        let metrics = try setup.read("metrics.json")
        let report = try setup.read("report.html")
        let summary = try setup.run()
        #expect(summary.ran.isEmpty)
        #expect(setup.invocations.all.isEmpty)
        #expect(summary.skipped.count == 6)
        #expect(try setup.read("metrics.json") == metrics)
        #expect(try setup.read("report.html") == report)
    }

    @Test func changedOptionRerunsTheStageAndItsDependentsOnly() throws {
        let setup = try Setup()
        defer { setup.fixture.remove() }
        _ = try setup.run()
        let before = try setup.read("metrics.json")
        let summary = try setup.run(overrides: ["stages.align.options.epochs=3"])
        #expect(summary.ran == ["align", "adapt", "evaluate", "sweep", "export"])
        #expect(summary.skipped == ["baselines"])
        #expect(try setup.read("metrics.json") != before)
        // An option of a late stage re-runs only that stage.
        let late = try setup.run(overrides: ["stages.align.options.epochs=3", "stages.export.options.file=model"])
        #expect(late.ran == ["export"])
        #expect(
            FileManager.default.fileExists(
                atPath: setup.runDirectory.appendingPathComponent("export/model.safetensors").path))
        #expect(
            !FileManager.default.fileExists(
                atPath: setup.runDirectory.appendingPathComponent("export/adapter.safetensors").path))
        // Back to the first options: everything that changed runs again, and the metrics are the first ones.
        _ = try setup.run()
        #expect(try setup.read("metrics.json") == before)
    }

    @Test func changedInputContentRerunsTheStagesThatReadIt() throws {
        let setup = try Setup()
        defer { setup.fixture.remove() }
        _ = try setup.run()
        try setup.fixture.write("data/qrels.test.tsv", "query-id\tcorpus-id\tscore\nq2\td2\t1\nq4\td4\t2\n")
        let summary = try setup.run()
        // Evaluation qrels are read by evaluate, sweep and the baselines, not by align, adapt or
        // export; export comes `after` the sweep, but `after` only orders and feeds it nothing.
        #expect(summary.ran == ["evaluate", "sweep", "baselines"])
        #expect(summary.skipped == ["align", "adapt", "export"])
    }

    /// The index model's query vectors are read by adapt (a hybrid map trains on them, the balanced
    /// choice and a calibration read them) and by every evaluation: a rerun after that file changed
    /// kept the adapter trained on the old file (a breaker's report).
    @Test func changedIndexModelQueriesRerunAdaptAndTheEvaluations() throws {
        let setup = try Setup()
        defer { setup.fixture.remove() }
        _ = try setup.run()
        var vectors = try Npy.read(setup.fixture.url("data/queries.d.npy"))
        vectors[0, 0] += 0.5
        try Npy.write(vectors, to: setup.fixture.url("data/queries.d.npy"))
        let summary = try setup.run()
        #expect(summary.ran == ["adapt", "evaluate", "sweep", "export", "baselines"], "\(summary.ran)")
        #expect(summary.skipped == ["align"])
    }

    @Test func fromAndForce() throws {
        let setup = try Setup()
        defer { setup.fixture.remove() }
        _ = try setup.run()
        let from = try setup.run(from: "evaluate")
        #expect(from.ran == ["evaluate", "sweep", "export", "baselines"])
        #expect(from.skipped == ["align", "adapt"])
        let forced = try setup.run(force: true)
        #expect(forced.ran.count == 6)
        #expect(throws: PipelineRunError.self) { try setup.run(from: "nope") }
    }

    @Test func missingArtifactRerunsItsStageAndDependents() throws {
        let setup = try Setup()
        defer { setup.fixture.remove() }
        _ = try setup.run()
        try FileManager.default.removeItem(at: setup.runDirectory.appendingPathComponent("adapt/map.txt"))
        let summary = try setup.run()
        #expect(summary.ran == ["adapt", "evaluate", "sweep", "export"])
    }

    @Test func failedStageLeavesNoPartialArtifactsAndKeepsEarlierStages() throws {
        let setup = try Setup()
        defer { setup.fixture.remove() }
        _ = try setup.run()
        let adaptMap = try setup.read("adapt/map.txt")
        let failing = FakeStage.registry(setup.invocations, failing: .adapt)
        let error = #expect(throws: PipelineRunError.self) {
            try setup.run(overrides: ["stages.adapt.options.max_steps=99"], registry: failing)
        }
        #expect(
            error?.message.contains(
                "the previous run's budget-sweep-all.svg, metrics.json, report.html, report.md were removed") == true,
            "\(String(describing: error))")
        #expect(try setup.leftovers().isEmpty)
        // The previous, complete adapt folder is untouched; the attempt's log is kept beside it.
        #expect(try setup.read("adapt/map.txt") == adaptMap)
        #expect(
            !FileManager.default.fileExists(atPath: setup.runDirectory.appendingPathComponent("adapt/partial.bin").path)
        )
        let log = try String(decoding: setup.read("adapt.failed.log"), as: UTF8.self)
        #expect(log.contains("simulated failure"))
        // The previous run's summaries went: they would show its verdict beside this configuration.
        for name in ["metrics.json", "report.md", "report.html", "budget-sweep-all.svg"] {
            #expect(
                !FileManager.default.fileExists(atPath: setup.runDirectory.appendingPathComponent(name).path), "\(name)"
            )
        }
        // Fixing the problem (here: the option) lets the run finish; the failed log goes away.
        let summary = try setup.run(overrides: ["stages.adapt.options.max_steps=99"])
        #expect(summary.ran.first == "adapt")
        #expect(
            !FileManager.default.fileExists(atPath: setup.runDirectory.appendingPathComponent("adapt.failed.log").path))
    }

    /// An artifact changed after its commit (truncated here) is not its stage's output any more: the
    /// stage runs again, and so do the stages that read it; an untouched one stays skipped. (Only
    /// the artifact's existence was checked: a truncated adapter stayed "up to date" and failed
    /// every later stage that read it.)
    @Test func aChangedArtifactRerunsItsStage() throws {
        let setup = try Setup()
        defer { setup.fixture.remove() }
        _ = try setup.run()
        let record = try JSONDecoder().decode(StageRecord.self, from: setup.read("align/stage.json"))
        #expect(
            record.artifactHashes?["map.txt"]
                == StageRecord.hash(of: setup.runDirectory.appendingPathComponent("align/map.txt")))
        #expect(try setup.run().ran.isEmpty)
        try Data("trunc".utf8).write(to: setup.runDirectory.appendingPathComponent("align/map.txt"))
        let summary = try setup.run()
        #expect(summary.ran.first == "align" && summary.ran.contains("adapt"), "\(summary.ran)")
        #expect(summary.skipped == ["baselines"], "\(summary.skipped)")
    }

    /// The states a `kill -9` can leave (a staging folder, a folder set aside, a temporary file,
    /// a committed stage the manifest does not know yet) are cleaned and completed by a re-run that
    /// writes the same metrics.json as an uninterrupted run.
    @Test func rerunAfterAKillFinishesWithTheSameMetrics() throws {
        let setup = try Setup()
        defer { setup.fixture.remove() }
        _ = try setup.run()
        let clean = try setup.read("metrics.json")
        let directory = setup.runDirectory
        let fileManager = FileManager.default
        // Killed mid-stage: a staging folder (era's marker is its first file) with half an artifact.
        try fileManager.createDirectory(
            at: directory.appendingPathComponent(".staging-adapt-dead0001"), withIntermediateDirectories: true)
        try Data(RunDirectory.markerHeader("adapt").utf8).write(
            to: directory.appendingPathComponent(".staging-adapt-dead0001/\(RunDirectory.stageMarkerName)"))
        try Data("half".utf8).write(to: directory.appendingPathComponent(".staging-adapt-dead0001/map.txt"))
        // Killed between the two renames of a commit: the old folder set aside, the new not in place.
        try fileManager.moveItem(
            at: directory.appendingPathComponent("sweep"),
            to: directory.appendingPathComponent(".replaced-sweep-dead0002"))
        // Killed inside an atomic write: its temporary file, named after the writer's (gone) pid.
        try Data("{".utf8).write(to: directory.appendingPathComponent(".metrics.json.tmp-2147483646-dead0003"))
        // Killed after committing `export` but before recording it in the manifest.
        var manifest = try JSONDecoder().decode(RunManifest.self, from: setup.read("manifest.json"))
        manifest.stages["export"] = nil
        try CanonicalJSON.encode(manifest).write(to: directory.appendingPathComponent("manifest.json"))

        let summary = try setup.run()
        #expect(summary.ran == ["sweep", "export"])
        #expect(try setup.leftovers().isEmpty)
        #expect(try setup.read("metrics.json") == clean)
    }

    /// While a stage runs again, nothing of the previous configuration that reads it stands: the run's
    /// summaries and the folders of the stages after it are gone (a run killed there left the old
    /// report, "recommended: adapt" for the old map, and the old export beside the new adapter).
    /// The baselines, which read nothing of align, stay; a completed run writes everything again.
    @Test func aStageRunningAgainTakesTheStaleOutputsAfterIt() throws {
        let setup = try Setup()
        defer { setup.fixture.remove() }
        _ = try setup.run()
        let directory = setup.runDirectory
        let seen = EventLog()
        let snapshot = SnapshotLog()
        let config = try setup.fixture.load("Pipelines/demo.yaml", overrides: ["stages.adapt.options.max_steps=99"])
        let runner = PipelineRunner(
            config: config, registry: FakeStage.registry(setup.invocations), currentDirectory: setup.fixture.root.path
        ) { event in
            seen.record(event)
            // The moment a kill would have hit: adapt has run again, evaluate has not.
            if event == .stageStarted("evaluate", reason: "adapt ran again") {
                snapshot.set(
                    (try? FileManager.default.contentsOfDirectory(atPath: directory.path)).map(Set.init) ?? [])
            }
        }
        let summary = try runner.run()
        #expect(summary.ran == ["adapt", "evaluate", "sweep", "export"])
        let during = snapshot.names
        for gone in ["metrics.json", "report.md", "report.html", "budget-sweep-all.svg", "sweep", "export"] {
            #expect(!during.contains(gone), "\(gone) outlived adapt running again: \(during.sorted())")
        }
        for kept in ["align", "adapt", "baselines", "manifest.json"] { #expect(during.contains(kept), "\(kept)") }
        for written in ["metrics.json", "report.md", "export", "sweep"] {
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(written).path))
        }
        #expect(try setup.leftovers().isEmpty)
    }

    /// Another pipeline pointed at this run's folder is refused before anything is written (it replaced
    /// the stages one by one and left the first pipeline's sweep beside its report); `--force` takes over.
    @Test func anotherPipelinesRunFolderIsRefused() throws {
        let setup = try Setup()
        defer { setup.fixture.remove() }
        _ = try setup.run()
        let manifest = try setup.read("manifest.json")
        let error = #expect(throws: PipelineRunError.self) {
            try setup.run(overrides: ["name=other", "output=runs/demo"])
        }
        #expect(
            error?.message.contains("holds the run of pipeline \"demo\", and this is \"other\"") == true,
            "\(String(describing: error))")
        #expect(try setup.read("manifest.json") == manifest)
        let taken = try setup.run(overrides: ["name=other", "output=runs/demo"], force: true)
        #expect(taken.ran.count == 6)
    }

    @Test func stageKindsWithoutARunnerAreRefusedBeforeAnyWork() throws {
        let setup = try Setup()
        defer { setup.fixture.remove() }
        var registry = FakeStage.registry(setup.invocations)
        registry[.sweep] = nil
        do {
            _ = try setup.run(registry: registry)
            Issue.record("expected a refusal")
        } catch let error as PipelineRunError {
            #expect(error.message == "this build of era cannot run these stages yet: sweep (sweep)")
        }
        #expect(setup.invocations.all.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: setup.runDirectory.path))
    }

    @Test func progressAndHashingAreReported() throws {
        let setup = try Setup()
        defer { setup.fixture.remove() }
        let events = EventLog()
        let config = try setup.fixture.load("Pipelines/demo.yaml")
        let runner = PipelineRunner(
            config: config, registry: FakeStage.registry(setup.invocations),
            currentDirectory: setup.fixture.root.path
        ) { events.record($0) }
        _ = try runner.run()
        let all = events.all
        #expect(all.contains { if case .hashing = $0 { true } else { false } })
        #expect(all.contains(.stageProgress(ProgressEvent(stage: "align", completed: 3, total: 3, message: "step 3"))))
        #expect(all.contains(.stageStarted("align", reason: "not run before")))
        // A first run has nothing to run *again*: every stage that starts says it never ran.
        let reasons = all.compactMap { if case .stageStarted(_, let reason) = $0 { reason } else { nil } }
        #expect(reasons.count > 1 && reasons.allSatisfy { $0 == "not run before" }, "\(reasons)")
    }
}

final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [RunEvent] = []

    func record(_ event: RunEvent) {
        lock.lock()
        events.append(event)
        lock.unlock()
    }

    var all: [RunEvent] {
        lock.lock()
        defer { lock.unlock() }
        return events
    }
}

final class SnapshotLog: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Set<String> = []

    func set(_ names: Set<String>) {
        lock.lock()
        value = names
        lock.unlock()
    }

    var names: Set<String> {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}
