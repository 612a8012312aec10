import AdapterFormat
import Foundation
import Workflows

/// `kind: evaluate`: one `EvaluateWorkflow.Request` of the baselines (in the order written:
/// `index-as-is`, D's own queries; `re-embedded`, Q's queries against Q's documents;
/// `procrustes`, the centered Procrustes map of `data.alignment`), then each stage's map, on all
/// queries and the unseen subset, each row tested against the reference. Artifact `per-query.tsv`.
public struct EvaluateStage: StageRunner {
    public init() {}

    public func run(stage: StageConfig, context: StageContext) throws -> StageOutput {
        guard case .evaluate(let options) = stage.options else {
            throw PipelineRunError("EvaluateStage cannot run a \(stage.kind.rawValue) stage")
        }
        let inputs = StageInputs(context: context)
        let data = context.config.data
        let qrels = try inputs.qrels(\.qrels.evaluation, Role.qrels)
        // The labeled qrels define the unseen subset, and are checked against the evaluation queries either way.
        let labeled = data.qrels.labeled == nil ? nil : try inputs.qrels(\.qrels.labeled, Role.unseenAgainst)
        let index = try inputs.searchedIndex(
            try StageInputs.indexSource(data), judged: [qrels] + (options.unseen ? labeled.map { [$0] } ?? [] : []))
        var request = EvaluateWorkflow.Request(
            maps: [], queries: try inputs.embeddings(\.queries?.embeddings, Role.queries), queryIds: [],
            index: index, qrels: qrels, settings: options.settings)
        request.retiredIndexModel = context.config.models.index.retired
        try Self.addBaselines(options, to: &request, inputs: inputs, context: context)
        for name in options.maps {
            let adapter = try context.adapter(of: name)
            if adapter.isHybrid, !request.retiredIndexModel, request.indexQueries == nil {
                request.indexQueries = try Self.indexQueries(inputs)
            }
            request.maps.append((name, adapter))
        }
        request.queryIds = try inputs.ids(\.queries?.ids, Role.queryIds)
        request.unseenAgainst = labeled
        request.reference = options.compareTo ?? Self.defaultReference(options) ?? options.baselines.first?.rawValue
        request.seed = context.seed
        request.measuresScoreCalibration = false
        request.evaluationFile = PipelineInspection.fileName("data.qrels.evaluation", data.qrels.evaluation)
        request.labeledFile = PipelineInspection.fileName("data.qrels.labeled", data.qrels.labeled)
        request.excludeLabeledOption = "set stages.\(stage.name).options.exclude_labeled: true to drop them"
        let outcome: EvaluateWorkflow.Outcome
        do {
            outcome = try EvaluateWorkflow.run(
                request, progress: { done, total, message in context.progress(completed: done, total: total, message) },
                log: { context.log($0) }
            ).evaluation.rows
        } catch let error as EvaluateInputError {
            throw Self.error(error, data: data)
        } catch { throw StageInputs.searchFailure(error) }
        try context.write(
            Data(EvaluateWorkflow.perQueryTSV(outcome.runs, metrics: options.metrics).utf8), to: "per-query.tsv")
        let checks = outcome.checks + (try inputs.sameIdsSameVectors())
        for check in checks where check.status != .ok { context.log("check \(check.line)") }
        return StageOutput(artifacts: ["per_query": "per-query.tsv"], evaluation: outcome.table, checks: checks)
    }
}
