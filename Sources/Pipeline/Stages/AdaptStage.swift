import Alignment
import EmbeddingIO
import Foundation
import Workflows

/// `kind: adapt`: `AdaptWorkflow` from the map of the align stage named by `from`, on the labeled
/// queries of `data.qrels.labeled` (never the evaluation qrels). Artifacts: the adapter (role `map`)
/// and `training.json`; values: labeled queries, pairs, steps, dev nDCG@10 of stage one and the map.
public struct AdaptStage: StageRunner {
    public init() {}

    public func run(stage: StageConfig, context: StageContext) throws -> StageOutput {
        guard case .adapt(let options) = stage.options else {
            throw PipelineRunError("AdaptStage cannot run a \(stage.kind.rawValue) stage")
        }
        let stageOne = try context.adapter(of: options.from)
        let settings = options.settings(seed: context.seed)
        let outcome: AdaptWorkflow.Outcome
        var mining: ChromaNegativeSearch? = nil
        let problem = try Self.problem(context, stageOne: stageOne, hybrid: options.hybrid) { mining = $0 }
        let before = mining?.collection.traffic
        // Index-model queries that no map reads, for the score calibration only (asked for explicitly).
        let calibrationQueries =
            options.calibrateWithIndexQueries && problem.indexQueries == nil
            ? try StageInputs(context: context).embeddings(
                \.queries?.indexModelEmbeddings, "data.queries.index_model_embeddings") : nil
        do {
            outcome = try AdaptWorkflow.run(
                problem, stageOne: stageOne, settings: settings,
                metadata: ["pipeline": context.config.name, "pipeline_stage": stage.name],
                calibrationQueries: calibrationQueries,
                warn: { context.log("warning: data.qrels.labeled: \($0)") },
                progress: { event in
                    context.log(AdaptWorkflow.describe(event))
                    if case .mined(let seconds) = event, let mining, let before {
                        context.log(mining.describe(since: before, seconds: seconds))
                    }
                    Self.progress(event, maxSteps: settings.maxSteps, context: context)
                })
        } catch {
            let labels = "data.qrels.labeled (\(context.config.data.qrels.labeled?.path ?? "not set"))"
            throw PipelineRunError("adapt: \(AdaptWorkflow.message(of: error, labels: labels))")
        }
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
        try context.write(CanonicalJSON.encode(AdaptWorkflow.Record(outcome.result), pretty: true), to: "training.json")
        context.keep(outcome.adapter)
        return StageOutput(
            artifacts: [MapArtifact.role: MapArtifact.fileName, "training": "training.json"],
            values: AdaptWorkflow.values(of: outcome.result).merging(
                AdaptWorkflow.values(of: outcome.calibration)
            ) { _, new in new }, notes: notes)
    }

    /// Query-model queries (with `hybrid`, the index model's too, when the data has them), the index
    /// and the labeled qrels, with the stage-one map. With `data.index.chroma` hard negatives are
    /// searched through the collection's query API (given to `mining`) unless its ranking cannot
    /// stand for the inner product (logged); with `data.index.postgres`, through the table.
    static func problem(
        _ context: StageContext, stageOne: Adapter, hybrid: Bool, mining: (ChromaNegativeSearch) -> Void = { _ in }
    ) throws -> AdaptProblem {
        let inputs = StageInputs(context: context)
        let index = try inputs.indexTable()
        // A retired index model's queries never reach a map: they only score the index as it was.
        let indexQueries =
            hybrid && !context.config.models.index.retired && context.config.data.queries?.indexModelEmbeddings != nil
            ? try inputs.embeddings(\.queries?.indexModelEmbeddings, "data.queries.index_model_embeddings") : nil
        var problem = AdaptProblem(
            queries: try inputs.embeddings(\.queries?.embeddings, "data.queries.embeddings"),
            queryIds: try inputs.ids(\.queries?.ids, "data.queries.ids"),
            corpus: index.corpus, corpusIds: index.ids,
            trainingQrels: try inputs.qrels(\.qrels.labeled, "data.qrels.labeled"),
            stageOne: stageOne.map, indexQueries: indexQueries)
        problem.indexModelRetired = context.config.models.index.retired
        switch index.mining {
        case .chroma(let server):
            let found = server.search(corpus: index.corpus)
            if let reason = found.reason { context.log("warning: data.index.chroma: \(reason)") }
            if let search = found.search {
                problem.negativeSearch = search
                mining(server)
            }
        case .postgres(let table):
            problem.negativeSearch = table.search
            context.log(
                "hard negatives searched through \(table.table.location) by inner product (<#>); "
                    + "\(index.ids.count) rows pulled by binary COPY")
        case nil: break
        }
        return problem
    }

    /// Progress of the dev curve (steps of the longest run), then of the final training.
    private static func progress(_ event: AdaptEvent, maxSteps: Int, context: StageContext) {
        switch event {
        case .prepared: context.progress(completed: 0, total: maxSteps, "choosing the number of steps")
        case .evaluated(let step, _, _): context.progress(completed: step, total: maxSteps, "step \(step)")
        case .selected(let step, _, _): context.progress(completed: 0, total: step, "final training")
        case .finished(let steps, _): context.progress(completed: steps, total: steps, "done")
        case .mined: break
        }
    }
}
