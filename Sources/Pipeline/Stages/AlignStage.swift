import Alignment
import EmbeddingIO
import Foundation
import Workflows

/// `kind: align`: `AlignWorkflow` on the pairs of `data.alignment`, whose two tables share the
/// ids of `data.alignment.ids` (without ids, rows match by position). Artifacts: the adapter
/// (role `map`) and `training-log.json`; values: the held-out report and the epoch kept.
public struct AlignStage: StageRunner {
    public init() {}

    public func run(stage: StageConfig, context: StageContext) throws -> StageOutput {
        guard case .align(let options) = stage.options else {
            throw PipelineRunError("AlignStage cannot run a \(stage.kind.rawValue) stage")
        }
        let data = StageInputs(context: context)
        let configuration = options.configuration(seed: context.seed)
        let names = MapArtifact.modelNames(context.config)
        var request: AlignWorkflow.Request
        let metadata = ["pipeline": context.config.name, "pipeline_stage": stage.name]
        if options.pairing == .unpaired {
            if options.samples != nil, context.config.data.alignment?.indexModel != nil {
                throw PipelineRunError(
                    "align: samples is used with pairing: unpaired only to sample a Chroma index's records; "
                        + "every row of data.alignment's files takes part")
            }
            let tables = try data.unpairedAlignmentTables(
                sample: options.samples ?? options.unpaired.learningSample, seed: configuration.seed
            ) { context.log($0) }
            request = AlignWorkflow.Request(
                sources: tables.sources, sourceIds: tables.ids, targets: tables.targets, targetIds: tables.ids,
                configuration: configuration, sourceModel: names.query, targetModel: names.index, metadata: metadata)
            request.unpaired = options.unpaired
            request.anchors = options.anchors ?? (tables.ids.isEmpty ? nil : 0)
        } else {
            let pairs = try data.alignmentPairs(sample: options.samples, seed: configuration.seed) { context.log($0) }
            request = AlignWorkflow.Request(
                sources: pairs.sources, sourceIds: pairs.sourceIds, targets: pairs.targets, targetIds: pairs.targetIds,
                configuration: configuration, sample: pairs.sample, sourceModel: names.query, targetModel: names.index,
                metadata: metadata)
        }
        let outcome: AlignWorkflow.Outcome
        do {
            outcome = try AlignWorkflow.run(
                request,
                started: { pairs, p, m in
                    context.log("\(pairs) pairs, p = \(p), m = \(m)")
                    context.progress(
                        completed: 0, total: nil, "warm start (\(configuration.warmStart.rawValue)) on \(pairs) pairs")
                },
                progress: { event in
                    if let line = AlignWorkflow.describe(event, epochs: configuration.epochs) { context.log(line) }
                    Self.progress(event, epochs: configuration.epochs, context: context)
                },
                unpairedProgress: { event in
                    if let line = AlignWorkflow.describe(event) {
                        context.log(line)
                        context.progress(completed: 0, total: nil, line)
                    }
                })
        } catch {
            throw PipelineRunError("align: \(error)")
        }
        if let line = StageCommandLine.line(
            for: stage, config: context.config, seed: context.seed, stageOneAdapter: nil,
            out: "\(stage.name).safetensors")
        {
            context.log(StageCommandLine.logLine(line, context: context))
        }
        var notes = AlignWorkflow.guardrailNote(outcome.log).map { [$0] } ?? []
        if let unpaired = outcome.unpaired { notes.insert(AlignWorkflow.describe(unpaired), at: 0) }
        for note in notes { context.log(note) }
        try outcome.adapter.save(to: context.artifactURL(MapArtifact.fileName))
        try context.write(CanonicalJSON.encode(outcome.log, pretty: true), to: "training-log.json")
        context.keep(outcome.adapter)
        let alignmentIds = context.config.data.alignment?.ids.map {
            PipelineInspection.fileName("data.alignment.ids", $0)
        }
        let check = SanityChecks.alignmentAboveChance(outcome.log.heldOut, idsFile: alignmentIds)
        if let check, check.status != .ok { context.log("check \(check.line)") }
        return StageOutput(
            artifacts: [MapArtifact.role: MapArtifact.fileName, "training_log": "training-log.json"],
            values: AlignWorkflow.values(of: outcome).merging(outcome.unpaired.map(AlignWorkflow.values(of:)) ?? [:]) {
                $1
            }, checks: check.map { [$0] }, notes: notes)
    }

    private static func progress(_ event: TrainingEvent, epochs: Int, context: StageContext) {
        switch event {
        case .warmStarted: context.progress(completed: 0, total: max(epochs, 1), "warm start done")
        case .batchFinished(let epoch, let batch, let batches, _)
        where batch == batches || batch % max(1, batches / 10) == 0:
            context.progress(
                completed: (epoch - 1) * batches + batch, total: epochs * batches, "epoch \(epoch)/\(epochs)")
        default: break
        }
    }
}
