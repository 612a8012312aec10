import Workflows
import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra

/// `kind: align`: stage one with Alignment's `AlignmentTrainer` on the pairs of `data.alignment`.
///
/// Rows of the two alignment matrices are matched by `data.alignment.ids` (one list for both:
/// row i of each embeds text i); without ids, by position. Artifacts: `adapter.safetensors` (the
/// map, role `map`) and `training-log.json` (Alignment's `TrainingLog`). Values: the held-out
/// report of the returned map and the epoch it came from (no timings: metrics stay reproducible).
public struct AlignStage: StageRunner {
    public init() {}

    public func run(stage: StageConfig, context: StageContext) throws -> StageOutput {
        guard case .align(let options) = stage.options else {
            throw PipelineRunError("AlignStage cannot run a \(stage.kind.rawValue) stage")
        }
        let config = context.config
        let inputs = StageInputs(config: config)
        let alignment = config.data.alignment
        let sources = try inputs.embeddings(alignment?.queryModel, "data.alignment.query_model")
        let targets = try inputs.embeddings(alignment?.indexModel, "data.alignment.index_model")
        let ids = try alignment?.ids.map { try inputs.ids($0, "data.alignment.ids") }
            ?? (0..<sources.rows).map(String.init)
        let configuration = options.configuration(seed: context.seed)
        let pairs: AlignmentPairs
        let result: AlignmentResult
        do {
            pairs = try PairMatching.match(sourceIds: ids, sources: sources, targetIds: ids, targets: targets,
                                           sample: options.samples, seed: context.seed)
            context.log("\(pairs.count) pairs, p = \(pairs.sources.columns), m = \(pairs.targets.columns)")
            let trainer = try AlignmentTrainer(configuration: configuration)
            // The warm start reports nothing until it is done; say what is running meanwhile.
            context.progress(completed: 0, total: nil, "warm start (\(configuration.warmStart.rawValue)) on \(pairs.count) pairs")
            result = try trainer.train(sources: pairs.sources, targets: pairs.targets) { event in
                Self.report(event, epochs: configuration.epochs, context: context)
            }
        } catch {
            throw PipelineRunError("align: \(error)")
        }
        let names = MapArtifact.modelNames(config)
        let adapter = Adapter(map: result.map, sourceModel: names.query, targetModel: names.index, stage: "align",
                              configurationHash: result.log.configurationHash, version: EraVersion.current,
                              extraMetadata: ["pairs": String(pairs.count), "pipeline": config.name, "pipeline_stage": stage.name])
        try adapter.save(to: context.artifactURL(MapArtifact.fileName))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(result.log), to: context.artifactURL("training-log.json"))

        var values: [String: Double] = ["pairs": Double(pairs.count), "selected_epoch": Double(result.log.selectedEpoch)]
        if let held = result.log.heldOut {
            values["heldout_mean_cosine"] = held.meanCosine
            values["heldout_top1"] = held.top1Accuracy
            values["heldout_top10"] = held.top10Accuracy
            values["heldout_mrr"] = held.meanReciprocalRank
        }
        return StageOutput(artifacts: [MapArtifact.role: MapArtifact.fileName, "training_log": "training-log.json"],
                           values: values)
    }

    static func report(_ event: TrainingEvent, epochs: Int, context: StageContext) {
        switch event {
        case .warmStarted(let record, let held):
            let heldText = held.map { String(format: ", held-out cosine %.4f, top-1 %.4f", $0.meanCosine, $0.top1Accuracy) } ?? ""
            context.log(String(format: "warm start (%@) in %.2f s%@", record.method.rawValue, record.seconds, heldText))
            context.progress(completed: 0, total: max(epochs, 1), "warm start done")
        case .batchFinished(let epoch, let batch, let batches, _):
            // One progress event per tenth of an epoch keeps the stream short.
            if batch == batches || batch % max(1, batches / 10) == 0 {
                context.progress(completed: (epoch - 1) * batches + batch, total: epochs * batches, "epoch \(epoch)/\(epochs)")
            }
        case .epochFinished(let record):
            let held = record.heldOutLoss.map { String(format: ", held-out loss %.5f", $0) } ?? ""
            context.log(String(format: "epoch %d: train loss %.5f%@%@", record.epoch, record.trainLoss, held,
                               record.improved ? " (best so far)" : ""))
        case .stoppedEarly(let after, let best):
            context.log("stopped early after epoch \(after); keeping epoch \(best)")
        }
    }
}
