import Retrieval
import Workflows
import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra

/// `kind: adapt`: stage two with Alignment's `AdaptTrainer`, starting from the map of the align
/// stage named by `from`, on the labeled queries of `data.qrels.labeled` (never the evaluation qrels).
///
/// Artifacts: `adapter.safetensors` (role `map`) and `training.json` (labeled and dev queries,
/// the dev curve, the chosen number of steps). Values: labeled queries, pairs, chosen steps, and the
/// dev nDCG@10 of stage one and of the chosen map.
public struct AdaptStage: StageRunner {
    public init() {}

    /// What `training.json` holds.
    struct TrainingRecord: Codable {
        var settings: AdaptSettings
        var configurationHash: String
        var labeledQueries: [String]
        var devQueries: [[String]]
        var pairs: Int
        var checkpoints: [AdaptCheckpoint]
        var selectedSteps: Int
        var stageOneDevNDCG10: Double
        var selectedDevNDCG10: Double
    }

    public func run(stage: StageConfig, context: StageContext) throws -> StageOutput {
        guard case .adapt(let options) = stage.options else {
            throw PipelineRunError("AdaptStage cannot run a \(stage.kind.rawValue) stage")
        }
        guard let source = context.dependencies[options.from] else {
            throw PipelineRunError("the map of stage \(options.from) is not available")
        }
        let stageOne = try MapArtifact.adapter(of: source)
        let problem = try Self.problem(config: context.config, stageOne: stageOne.map)
        let settings = options.settings(seed: context.seed)
        let result: AdaptResult
        do {
            result = try AdaptTrainer.train(problem, settings: settings) { event in
                Self.report(event, context: context)
                switch event {
                case .prepared: context.progress(completed: 0, total: settings.maxSteps, "choosing the number of steps")
                case .evaluated(let step, _, _):
                    context.progress(completed: step, total: settings.maxSteps, "step \(step)")
                case .selected(let step, _, _): context.progress(completed: 0, total: step, "final training")
                case .finished(let steps, _): context.progress(completed: steps, total: steps, "done")
                case .mined: break
                }
            }
        } catch {
            throw PipelineRunError("adapt: \(error)")
        }
        let names = MapArtifact.modelNames(context.config)
        let adapter = Adapter(map: result.map, sourceModel: names.query, targetModel: names.index, stage: "adapt",
                              configurationHash: settings.configurationHash, version: EraVersion.current,
                              extraMetadata: ["labeled_queries": String(result.labeledQueries.count),
                                              "pipeline": context.config.name, "pipeline_stage": stage.name,
                                              "stage_one": stageOne.configurationHash])
        try adapter.save(to: context.artifactURL(MapArtifact.fileName))
        let record = TrainingRecord(settings: settings, configurationHash: settings.configurationHash,
                                    labeledQueries: result.labeledQueries, devQueries: result.devQueries,
                                    pairs: result.pairs, checkpoints: result.checkpoints,
                                    selectedSteps: result.selectedSteps, stageOneDevNDCG10: result.stageOneDevNDCG10,
                                    selectedDevNDCG10: result.selectedDevNDCG10)
        try AtomicFile.write(try CanonicalJSON.encode(record, pretty: true), to: context.artifactURL("training.json"))
        return StageOutput(
            artifacts: [MapArtifact.role: MapArtifact.fileName, "training": "training.json"],
            values: ["labeled_queries": Double(result.labeledQueries.count), "pairs": Double(result.pairs),
                     "selected_steps": Double(result.selectedSteps),
                     "stage_one_dev_ndcg10": result.stageOneDevNDCG10, "dev_ndcg10": result.selectedDevNDCG10])
    }

    /// Query-model queries, the index and the labeled qrels, with the stage-one map.
    static func problem(config: PipelineConfig, stageOne: AffineMap<Float>) throws -> AdaptProblem {
        let inputs = StageInputs(config: config)
        let data = config.data
        return AdaptProblem(
            queries: try inputs.embeddings(data.queries?.embeddings, "data.queries.embeddings"),
            queryIds: try inputs.ids(data.queries?.ids, "data.queries.ids"),
            corpus: try inputs.embeddings(data.index?.embeddings, "data.index.embeddings"),
            corpusIds: try inputs.ids(data.index?.ids, "data.index.ids"),
            trainingQrels: try inputs.qrels(data.qrels.labeled, "data.qrels.labeled"),
            stageOne: stageOne)
    }

    static func report(_ event: AdaptEvent, context: StageContext, prefix: String = "") {
        switch event {
        case .prepared(let labeled, let pairs, let folds, let dev):
            context.log("\(prefix)\(labeled) labeled queries, \(pairs) pairs, \(folds) fold(s), \(dev) dev queries")
        case .mined(let seconds):
            context.log(String(format: "%@hard negatives mined in %.2f s", prefix, seconds))
        case .evaluated(let step, _, let ndcg):
            context.log(String(format: "%@step %d: dev nDCG@10 %.4f", prefix, step, ndcg))
        case .selected(let step, let ndcg, let stageOne):
            context.log(String(format: "%@selected %d steps: dev nDCG@10 %.4f (stage one %.4f)", prefix, step, ndcg, stageOne))
        case .finished(let steps, let seconds):
            context.log(String(format: "%@trained %d steps on every labeled query in %.2f s", prefix, steps, seconds))
        }
    }
}
