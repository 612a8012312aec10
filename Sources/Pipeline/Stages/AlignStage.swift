import EmbeddingIO
import Foundation
import Workflows

/// `kind: align`: `AlignRequest` on the pairs of `data.alignment`, whose two tables share the ids of
/// `data.alignment.ids` (without ids, rows match by position), or on the records of the index's
/// store. Artifacts: the adapter (role `map`) and `training-log.json`; values: the held-out report
/// and the epoch kept.
public struct AlignStage: StageRunner {
    public init() {}

    public func run(stage: StageConfig, context: StageContext) throws -> StageOutput {
        guard case .align(let options) = stage.options else {
            throw PipelineRunError("AlignStage cannot run a \(stage.kind.rawValue) stage")
        }
        var request = try Self.request(options, seed: context.seed, context: context)
        request.metadata = ["pipeline": context.config.name, "pipeline_stage": stage.name]
        let data = context.config.data, outcome: AlignWorkflow.Outcome
        do {
            outcome = try request.run { context.record(request.report($0, naming: { $0.keyPath(in: data) })) }
        } catch { throw error.pipelineError(data) }
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
        let alignmentIds = data.alignment?.ids.map {
            PipelineInspection.fileName("data.alignment.ids", $0)
        }
        let checks = [
            SanityChecks.alignmentAboveChance(outcome.log.heldOut, idsFile: alignmentIds),
            SanityChecks.alignmentPairsMatch(outcome.log.heldOut, idsFile: alignmentIds),
        ].compactMap { $0 }
        for check in checks where check.status != .ok { context.log("check \(check.line)") }
        return StageOutput(
            artifacts: [MapArtifact.role: MapArtifact.fileName, "training_log": "training-log.json"],
            values: AlignWorkflow.values(of: outcome).merging(outcome.unpaired.map(AlignWorkflow.values(of:)) ?? [:]) {
                $1
            }, checks: checks, notes: notes)
    }
}
