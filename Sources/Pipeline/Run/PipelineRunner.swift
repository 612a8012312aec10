import AdapterFormat
import Alignment
import ConfigDecoding
import EmbeddingIO
import Foundation
import Reports
import Workflows
import Yams

/// Runs a validated pipeline into its run directory, skipping stages that are up to date.
///
/// Run directory (`runs/<name>/` under the current directory unless the pipeline sets `output:`):
/// `config.resolved.yaml`, `manifest.json`, one folder per stage (its artifacts, `stage.json`,
/// `log.txt`), `metrics.json`, `report.md`, `report.html`. See `RunDirectory` for crash safety.
public struct PipelineRunner: Sendable {
    public var config: PipelineConfig
    public var registry: StageRegistry
    public var runDirectory: URL
    public var eraVersion: String
    /// The run's input files: each is opened and read once for the hashes and every stage.
    public var files: InputFiles
    public var onEvent: @Sendable (RunEvent) -> Void

    /// - Parameters:
    ///   - config: the validated pipeline.
    ///   - registry: the implementation of each stage kind.
    ///   - runDirectory: default `config.output`, else `<currentDirectory>/runs/<config.name>`.
    ///   - currentDirectory: default the process's current directory.
    ///   - eraVersion: recorded in the manifest and in every stage's fingerprint: a stage run by another
    ///     version is not up to date.
    ///   - files: the cache the configuration was loaded with (`PipelineConfig.load(files:)`), so
    ///     that checking and running read each input file once; default: a new one.
    ///   - onEvent: called with the run's progress (hashing, stages skipped, started, finished, files written).
    public init(
        config: PipelineConfig, registry: StageRegistry, runDirectory: URL? = nil,
        currentDirectory: String? = nil, eraVersion: String = EraVersion.current, files: InputFiles = InputFiles(),
        onEvent: @escaping @Sendable (RunEvent) -> Void = { _ in }
    ) {
        self.config = config
        self.registry = registry
        let cwd = currentDirectory ?? ConfigPaths.currentDirectory
        self.runDirectory =
            runDirectory
            ?? URL(
                fileURLWithPath: config.output ?? ConfigPaths.absolute("runs/\(config.name)", relativeTo: cwd),
                isDirectory: true)
        self.eraVersion = eraVersion
        self.files = files
        self.onEvent = onEvent
    }

    /// Runs the pipeline.
    ///
    /// A stage runs when `force` is set, when it is `from` or comes after it in execution order,
    /// when its fingerprint differs from the one recorded (in `manifest.json` and in its folder's
    /// `stage.json`), when an artifact is missing, or when a stage whose outputs it reads
    /// (`StageConfig.inputStages`; not `after:`) ran in this call.
    /// Everything else is skipped and its recorded output reused.
    /// - Throws: `PipelineRunError` (unknown `from`, a kind without a runner, a stage failure,
    ///   an unwritable file). Stages committed before a failure stay committed.
    public func run(from: String? = nil, force: Bool = false) throws -> RunSummary {
        let graph: StageGraph
        do { graph = try StageGraph(stages: config.stages) } catch { throw PipelineRunError(error.description) }
        if let from, config.stage(named: from) == nil {
            let names = graph.order.joined(separator: ", ")
            throw PipelineRunError("--from \(from): no stage is named \"\(from)\" (stages: \(names))")
        }
        let unavailable = config.stages.filter { registry[$0.kind] == nil }
        if !unavailable.isEmpty {
            let list = unavailable.map { "\($0.name) (\($0.kind.rawValue))" }.joined(separator: ", ")
            throw PipelineRunError("this build of era cannot run these stages yet: \(list)")
        }

        let directory = try RunDirectory(url: runDirectory)
        let lockFile = directory.file(".lock")
        let lockExisted = FileManager.default.fileExists(atPath: lockFile.path)
        let lock = try directory.lock()
        defer {
            directory.unlock(lock)
            // A run refused before it claimed the folder leaves nothing in it, not even its lock file.
            if !lockExisted, !directory.isClaimed { try? FileManager.default.removeItem(at: lockFile) }
        }
        // Nothing is written before every check that can refuse the run has passed.
        for stage in config.stages { try directory.checkOwned(stage.name) }
        // Another pipeline's run: its stages would be replaced one by one, and what this one lacks (a
        // sweep, its charts) would stay beside the new report as if this run had made it.
        let previous = previousManifest(directory)
        if !force, let previous, previous.pipeline != config.name {
            throw PipelineRunError(
                "\(runDirectory.path) holds the run of pipeline \"\(previous.pipeline)\", and this is \"\(config.name)\": "
                    + "set output: (or --set output=...) to a folder of its own, or run again with --force to take it over"
            )
        }
        let wasEras = directory.isClaimed
        try directory.claim()
        if wasEras { directory.removeLeftovers() }

        let started = Self.timestamp()
        let inputs = try hashInputs()
        let configJSON = try CanonicalJSON.encode(config)
        var manifest = RunManifest(
            pipeline: config.name, eraVersion: eraVersion,
            configHash: SHA256.hex(String(decoding: configJSON, as: UTF8.self)),
            sourceFile: config.sourceFile, inputs: inputs.records, stages: previous?.stages ?? [:],
            started: started, finished: nil)
        let kernels = BLASKernelRestart.kernels
        (manifest.blasKernels, manifest.blasKernelsOpenBLASChose) = (kernels?.running, kernels?.openBLASChose)
        try writeResolvedConfig(directory)
        try writeManifest(manifest, directory)

        let forcedFrom: Set<String> =
            from.map { name in
                Set(graph.order.drop(while: { $0 != name }))
            } ?? []
        var completed: [String: CompletedStage] = [:]
        var ran: [String] = [], skipped: [String] = []
        var removedSummaries: [String] = []
        // One cache per run: each input file is read and decoded once, and maps pass between stages in memory.
        let shared = StageContext.Shared(files: files)
        for name in graph.order {
            guard let stage = config.stage(named: name) else { continue }
            // Only the stages whose outputs it reads: `after:` orders the run but feeds nothing in.
            let dependencyFingerprints = Dictionary(
                uniqueKeysWithValues: stage.inputStages.compactMap { dep in
                    completed[dep].map { (dep, $0.fingerprint) }
                })
            let fingerprint: String
            do {
                fingerprint = try StageFingerprint.compute(
                    stage: stage, config: config, eraVersion: eraVersion,
                    inputHashes: inputs.byPath,
                    dependencyFingerprints: dependencyFingerprints)
            } catch {
                throw PipelineRunError("cannot fingerprint stage \(name): \(error)")
            }
            var reason: String?
            if force {
                reason = "--force"
            } else if forcedFrom.contains(name) {
                reason = "--from \(from ?? "")"
            } else if manifest.stages[name] == nil {
                // Before "X ran again": on a first run every stage's inputs ran, and none ran *again*.
                reason = "not run before"
            } else if let changed = stage.inputStages.first(where: { ran.contains($0) }) {
                reason = "\(changed) ran again"
            }
            if reason == nil {
                if let previous = upToDate(
                    stage: stage, fingerprint: fingerprint, manifest: manifest, directory: directory)
                {
                    completed[name] = previous
                    skipped.append(name)
                    onEvent(.stageSkipped(name))
                    continue
                }
                reason = manifest.stages[name] == nil ? "not run before" : "inputs, options or artifacts changed"
            }
            onEvent(.stageStarted(name, reason: reason ?? ""))
            removedSummaries += invalidate(before: name, graph: graph, directory: directory, first: ran.isEmpty)
            let begin = Date()
            let result: CompletedStage
            do {
                result = try execute(
                    stage: stage, fingerprint: fingerprint, shared: shared,
                    completed: completed.filter { graph.ancestors(of: name).contains($0.key) },
                    directory: directory)
            } catch let error as PipelineRunError {
                // The previous run's verdict would stand beside this run's configuration as if it were its own.
                let removed = removedSummaries + directory.removeRunSummaries()
                guard !removed.isEmpty else { throw error }
                throw PipelineRunError(
                    error.message + "; the previous run's \(removed.joined(separator: ", ")) were removed: "
                        + "they do not describe this configuration (a run that completes writes them again)")
            }
            let seconds = Date().timeIntervalSince(begin)
            completed[name] = result
            manifest.stages[name] = RunManifest.Stage(
                kind: stage.kind, fingerprint: fingerprint, completed: Self.timestamp(),
                seconds: seconds, artifacts: result.output.artifacts)
            try writeManifest(manifest, directory)
            ran.append(name)
            onEvent(.stageFinished(name, seconds: seconds))
        }

        // Stages that are no longer in the pipeline are dropped from the record (their folders stay).
        manifest.stages = manifest.stages.filter { config.stage(named: $0.key) != nil }
        let metrics = RunMetrics(
            pipeline: config.name, order: graph.order,
            stages: completed.mapValues {
                RunMetrics.StageMetrics(
                    kind: $0.kind, values: $0.output.values, evaluation: $0.output.evaluation,
                    sweep: $0.output.sweep)
            }, checks: graph.order.flatMap { completed[$0]?.output.checks ?? [] })
        try write(CanonicalJSON.encode(metrics, pretty: true), "metrics.json", directory)
        let notes = graph.order.compactMap { name in
            completed[name].flatMap { $0.output.notes.isEmpty ? nil : (stage: name, notes: $0.output.notes) }
        }
        var report = RunReport(
            config: config, metrics: metrics, eraVersion: eraVersion, configHash: manifest.configHash)
        report.notes = notes
        try write(Data(report.markdown().utf8), "report.md", directory)
        for chart in report.chartFiles() {
            try write(Data(chart.svg.utf8), chart.name, directory)
        }
        try write(Data(report.html().utf8), "report.html", directory)
        manifest.finished = Self.timestamp()
        try writeManifest(manifest, directory)
        return RunSummary(
            runDirectory: runDirectory, ran: ran, skipped: skipped, metrics: metrics,
            inputReads: shared.files.reads, notes: notes)
    }

    /// What must not outlive a stage that runs again, should the run be killed before it ends: the
    /// previous run's summaries (on the first stage that runs; a completed run writes them again) and
    /// the folders of the stages that read this one's outputs, directly or not (they run again after it).
    /// Returns the summaries it removed.
    private func invalidate(before name: String, graph: StageGraph, directory: RunDirectory, first: Bool) -> [String] {
        let removed = first ? directory.removeRunSummaries() : []
        var rerun: Set<String> = [name]
        for later in graph.order.drop(while: { $0 != name }).dropFirst() {
            guard let stage = config.stage(named: later), stage.inputStages.contains(where: rerun.contains) else {
                continue
            }
            rerun.insert(later)
            directory.removeStale(later)
        }
        return removed
    }

    // MARK: - Stages

    /// The recorded stage if its fingerprint matches in both the manifest and its `stage.json`,
    /// and every artifact it listed exists.
    private func upToDate(
        stage: StageConfig, fingerprint: String, manifest: RunManifest,
        directory: RunDirectory
    ) -> CompletedStage? {
        guard manifest.stages[stage.name]?.fingerprint == fingerprint else { return nil }
        let folder = directory.stageFolder(stage.name)
        guard
            let data = FileManager.default.contents(
                atPath: folder.appendingPathComponent(RunDirectory.stageRecordName).path),
            let record = try? JSONDecoder().decode(StageRecord.self, from: data),
            record.fingerprint == fingerprint, record.kind == stage.kind
        else { return nil }
        let allExist = record.output.artifacts.values.allSatisfy {
            FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path)
        }
        guard allExist else { return nil }
        // An artifact changed since its commit (truncated, edited, replaced) is not the stage's output.
        if let recorded = record.artifactHashes,
            StageRecord.hashes(of: record.output.artifacts, in: folder) != recorded
        {
            return nil
        }
        return CompletedStage(
            name: stage.name, kind: stage.kind, directory: folder, output: record.output,
            fingerprint: fingerprint)
    }

    private func execute(
        stage: StageConfig, fingerprint: String, shared: StageContext.Shared, completed: [String: CompletedStage],
        directory: RunDirectory
    ) throws -> CompletedStage {
        guard let runner = registry[stage.kind] else {
            throw PipelineRunError("no runner for \(stage.kind.rawValue) stages")
        }
        try directory.checkReplaceable(stage.name)
        let staging = try directory.makeStaging(for: stage.name)
        let logFile = try StageLogFile(url: staging.appendingPathComponent(RunDirectory.logName))
        logFile.append("stage \(stage.name) (\(stage.kind.rawValue)), fingerprint \(fingerprint), era \(eraVersion)")
        if let options = try? CanonicalJSON.encode(stage.options) {
            logFile.append("options \(String(decoding: options, as: UTF8.self))")
        }
        let events = onEvent
        let context = StageContext(
            config: config, directory: staging,
            dependencies: completed,
            seed: StageFingerprint.seed(pipelineSeed: config.seed, stage: stage.name),
            log: StageLog { logFile.append($0) },
            progress: StageProgress(stage: stage.name) { events(.stageProgress($0)) }, shared: shared)
        let output: StageOutput
        do {
            output = try runner.run(stage: stage, context: context)
            let missing = output.artifacts.filter {
                !FileManager.default.fileExists(atPath: staging.appendingPathComponent($0.value).path)
            }
            if !missing.isEmpty {
                throw PipelineRunError(
                    "declared artifacts were not written: \(missing.values.sorted().joined(separator: ", "))")
            }
            let record = StageRecord(
                name: stage.name, kind: stage.kind, fingerprint: fingerprint, output: output,
                artifactHashes: StageRecord.hashes(of: output.artifacts, in: staging))
            try AtomicFile.write(
                CanonicalJSON.encode(record, pretty: true),
                to: staging.appendingPathComponent(RunDirectory.stageRecordName))
        } catch {
            logFile.append("failed: \(error)")
            logFile.close()
            // Keep the log beside the run (atomically: a rename), drop the half-made artifacts.
            let failedLog = directory.failedLog(stage.name)
            directory.removeFailedLog(stage.name)
            try? FileManager.default.moveItem(at: staging.appendingPathComponent(RunDirectory.logName), to: failedLog)
            try? FileManager.default.removeItem(at: staging)
            throw PipelineRunError(
                "stage \(stage.name) (\(stage.kind.rawValue)) failed: \(error) (log: \(failedLog.path))")
        }
        logFile.append("done")
        logFile.close()
        try directory.commit(staging: staging, as: stage.name)
        directory.removeFailedLog(stage.name)
        return CompletedStage(
            name: stage.name, kind: stage.kind, directory: directory.stageFolder(stage.name),
            output: output, fingerprint: fingerprint)
    }

    // MARK: - Inputs and run files

    private struct HashedInputs {
        var records: [String: RunManifest.Input]
        var byPath: [String: String]
    }

    /// SHA-256 of every data file some stage reads (each distinct file once), from the read the
    /// stages decode too.
    private func hashInputs() throws -> HashedInputs {
        var records: [String: RunManifest.Input] = [:]
        var byPath: [String: String] = [:]
        var used = Set<String>()
        for stage in config.stages {
            for (keyPath, _) in StageFingerprint.inputs(of: stage, data: config.data) { used.insert(keyPath) }
        }
        for (keyPath, file) in config.data.files where used.contains(keyPath) {
            let size =
                ((try? FileManager.default.attributesOfItem(atPath: file.path)[.size]) as? NSNumber)?.int64Value ?? 0
            if byPath[file.path] == nil {
                let events = onEvent
                do {
                    byPath[file.path] = try files.sha256(file.path) { done in
                        events(.hashing(path: file.path, done: done, total: size))
                    }
                } catch {
                    throw PipelineRunError("cannot read \(keyPath) (\(file.path)): \(error)")
                }
            }
            records[keyPath] = RunManifest.Input(path: file.path, bytes: size, sha256: byPath[file.path]!)
        }
        if let store = config.data.index?.store,
            config.stages.contains(where: { StageFingerprint.readsIndex($0, data: config.data) })
        {
            let identity = try store.readIdentity()
            records[type(of: store).keyPath] = identity
            byPath[identity.path] = identity.sha256
        }
        return HashedInputs(records: records, byPath: byPath)
    }

    private func previousManifest(_ directory: RunDirectory) -> RunManifest? {
        guard let data = FileManager.default.contents(atPath: directory.file(RunDirectory.manifestName).path) else {
            return nil
        }
        return try? JSONDecoder().decode(RunManifest.self, from: data)
    }

    private func writeManifest(_ manifest: RunManifest, _ directory: RunDirectory) throws {
        try write(CanonicalJSON.encode(manifest, pretty: true), RunDirectory.manifestName, directory)
    }

    private func writeResolvedConfig(_ directory: RunDirectory) throws {
        let yaml: String
        do {
            yaml = try ResolvedConfigYAML.render(config)
        } catch {
            throw PipelineRunError("cannot encode the resolved configuration: \(error)")
        }
        let header =
            "# \(config.sourceFile) resolved by era \(eraVersion): includes merged, overrides applied,\n"
            + "# every default filled in, every path absolute. It runs as a pipeline itself.\n"
        try write(Data((header + yaml).utf8), "config.resolved.yaml", directory)
    }

    private func write(_ data: Data, _ name: String, _ directory: RunDirectory) throws {
        do {
            try directory.write(data, to: name)
        } catch {
            throw PipelineRunError("cannot write \(directory.file(name).path): \(error)")
        }
        onEvent(.wrote(directory.file(name)))
    }

    private static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}
