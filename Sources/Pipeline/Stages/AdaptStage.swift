import EmbeddingIO
import Foundation
import Workflows

/// `kind: adapt`: `AdaptRequest` from the map of the align stage named by `from`, on the labeled
/// queries of `data.qrels.labeled` (never the evaluation qrels). Artifacts: the adapter (role `map`)
/// and `training.json`; values: labeled queries, pairs, steps, dev nDCG@10 of stage one and the map.
public struct AdaptStage: StageRunner {
    public init() {}

    public func run(stage: StageConfig, context: StageContext) throws -> StageOutput {
        guard case .adapt(let options) = stage.options else {
            throw PipelineRunError("AdaptStage cannot run a \(stage.kind.rawValue) stage")
        }
        var request = try Self.request(
            context, stageOne: try context.adapter(of: options.from), from: options.from, hybrid: options.hybrid)
        request.settings = options.settings(seed: context.seed)
        request.calibrateWithIndexQueries = options.calibrateWithIndexQueries
        request.metadata = ["pipeline": context.config.name, "pipeline_stage": stage.name]
        let outcome: AdaptWorkflow.Outcome
        do {
            outcome = try request.run(progress: { context.record(request.report($0)) }, warn: Self.warning(context))
        } catch { throw error.pipelineError(context.config.data) }
        for line in AdaptWorkflow.describeChoice(outcome.result) { context.log(line) }
        if let line = StageCommandLine.line(
            for: stage, config: context.config, seed: context.seed,
            stageOneAdapter: context.dependencies[options.from]?.artifact(MapArtifact.role),
            out: "\(stage.name).safetensors")
        {
            context.log(StageCommandLine.logLine(line, context: context))
        }
        let notes =
            AdaptWorkflow.choiceNotes(outcome.result)
            + (AdaptWorkflow.calibrationLine(outcome.calibration).map { [$0] } ?? [])
        for note in notes { context.log(note) }
        try outcome.adapter.save(to: context.artifactURL(MapArtifact.fileName))
        try context.write(CanonicalJSON.encode(outcome.result, pretty: true), to: "training.json")
        context.keep(outcome.adapter)
        return StageOutput(
            artifacts: [MapArtifact.role: MapArtifact.fileName, "training": "training.json"],
            values: AdaptWorkflow.values(of: outcome.result).merging(
                AdaptWorkflow.values(of: outcome.calibration)
            ) { _, new in new }, notes: notes)
    }
}
