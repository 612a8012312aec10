import Workflows
import Alignment
import EmbeddingIO
import Foundation
import Retrieval

/// `kind: sweep`: Alignment's `AdaptSweep` with the options of the adapt stage named by `adapt`, at
/// every budget (and all labeled queries, with `include_all`) and `repeats` seeds each. All training
/// happens before the evaluation qrels are read. The curve: nDCG@10 mean ± sd on all evaluation
/// queries and on the unseen subset, each point tested against stage one; references: stage one and,
/// with `data.queries.index_model_embeddings`, the index as it is.
///
/// Artifacts: `sweep.json` (every run and point) and `sweep.md` (the table).
public struct SweepStage: StageRunner {
    public init() {}

    public func run(stage: StageConfig, context: StageContext) throws -> StageOutput {
        guard case .sweep(let options) = stage.options else {
            throw PipelineRunError("SweepStage cannot run a \(stage.kind.rawValue) stage")
        }
        let config = context.config
        guard let adaptStage = config.stage(named: options.adapt), case .adapt(let adaptOptions) = adaptStage.options else {
            throw PipelineRunError("sweep: \(options.adapt) is not an adapt stage")
        }
        guard let source = context.dependencies[adaptOptions.from] else {
            throw PipelineRunError("the map of stage \(adaptOptions.from) is not available")
        }
        let stageOne = try MapArtifact.adapter(of: source)
        let problem = try AdaptStage.problem(config: config, stageOne: stageOne.map)
        let inputs = StageInputs(config: config)
        let evaluationFile = config.data.qrels.evaluation
        let indexQueries = try config.data.queries?.indexModelEmbeddings.map {
            try inputs.embeddings($0, "data.queries.index_model_embeddings")
        }
        let evaluation = AdaptSweepEvaluation(
            loadQrels: { try StageInputs(config: config).qrels(evaluationFile, "data.qrels.evaluation") },
            indexQueries: indexQueries, indexQueryIds: indexQueries == nil ? nil : problem.queryIds)
        let budgets: [Int?] = options.budgets.map { Optional($0) } + (options.includeAll ? [nil] : [])
        let seeds = (0..<UInt64(options.repeats)).map { context.seed &+ $0 }
        let total = budgets.count * seeds.count
        var trained = 0
        let result: AdaptSweepResult
        do {
            result = try AdaptSweep.run(
                problem: problem, configurations: [(adaptStage.name, adaptOptions.settings(seed: 0))],
                budgets: budgets, seeds: seeds, evaluation: evaluation, trials: options.significanceTrials
            ) { event in
                switch event {
                case .trained(_, let budget, let seed, let labeled, let steps, let seconds):
                    trained += 1
                    context.log(String(format: "budget %@ seed %llu: %d labeled queries, %d steps, %.2f s",
                                       budget.map(String.init) ?? "all", seed, labeled, steps, seconds))
                    context.progress(completed: trained, total: total + 1, "trained \(trained)/\(total)")
                case .training:
                    break
                case .evaluating:
                    context.progress(completed: total, total: total + 1, "evaluating")
                }
            }
        } catch {
            throw PipelineRunError("sweep: \(error)")
        }
        let curve = Self.curve(result)
        try AtomicFile.write(try CanonicalJSON.encode(Self.deterministicSummary(result), pretty: true),
                             to: context.artifactURL("sweep.json"))
        try AtomicFile.write(Data((result.markdownTable() + "\n").utf8), to: context.artifactURL("sweep.md"))
        return StageOutput(artifacts: ["summary": "sweep.json", "table": "sweep.md"], sweep: curve)
    }

    /// The curve in the report's model: x is the number of labeled queries actually used.
    static func curve(_ result: AdaptSweepResult) -> SweepCurve {
        let all = result.points.map {
            SweepPoint(labeledQueries: $0.labeledQueries, mean: $0.meanAll, sd: $0.sdAll, repeats: $0.seeds,
                       differenceToStageOne: $0.versusStageOneAll.meanDifference, pValue: $0.versusStageOneAll.pValue)
        }
        let unseen = result.points.map {
            SweepPoint(labeledQueries: $0.labeledQueries, mean: $0.meanUnseen, sd: $0.sdUnseen, repeats: $0.seeds,
                       differenceToStageOne: $0.versusStageOneUnseen.meanDifference, pValue: $0.versusStageOneUnseen.pValue)
        }
        let references = result.references.flatMap { reference in
            [ReferenceLine(label: reference.label, subset: "all", value: reference.all.mean[result.metric] ?? 0),
             ReferenceLine(label: reference.label, subset: "unseen", value: reference.unseen.mean[result.metric] ?? 0)]
        }
        return SweepCurve(metric: result.metric, series: [SweepSeries(subset: "all", points: all),
                                                          SweepSeries(subset: "unseen", points: unseen)],
                          references: references)
    }

    /// The sweep's summary without training times, so the artifact is the same on every re-run.
    static func deterministicSummary(_ result: AdaptSweepResult) -> AdaptSweepSummary {
        var summary = result.summary
        for i in summary.runs.indices { summary.runs[i].seconds = 0 }
        return summary
    }
}
