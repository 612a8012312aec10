import Alignment
import Foundation
import LinearAlgebra
import Retrieval
import Workflows

/// `kind: evaluate`: `EvaluateWorkflow` over the baselines (in the order written:
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
        let qrels = try inputs.qrels(\.qrels.evaluation, "data.qrels.evaluation")
        // The labeled qrels define the unseen subset, and are checked against the evaluation queries either way.
        let labeled =
            context.config.data.qrels.labeled == nil ? nil : try inputs.qrels(\.qrels.labeled, "data.qrels.labeled")
        let index = try inputs.searchedIndex(judged: [qrels] + (options.unseen ? labeled.map { [$0] } ?? [] : []))
        let corpus = index.corpus
        let queries = try inputs.embeddings(\.queries?.embeddings, "data.queries.embeddings")
        var rows: [EvaluateWorkflow.Row] = []
        for baseline in options.baselines {
            switch baseline {
            case .indexAsIs:
                let own = try inputs.embeddings(\.queries?.indexModelEmbeddings, "data.queries.index_model_embeddings")
                rows.append(.init(name: baseline.rawValue, role: .baseline, queries: own, corpus: corpus))
            case .reEmbedded:
                try inputs.requireIndexFiles(for: "the re-embedded baseline")
                let reembedded = try inputs.embeddings(
                    \.index?.queryModelEmbeddings, "data.index.query_model_embeddings")
                rows.append(.init(name: baseline.rawValue, role: .baseline, queries: queries, corpus: reembedded))
            case .procrustes:
                let map = try Self.procrustes(inputs, context: context, maps: options.maps)
                rows.append(.init(name: baseline.rawValue, role: .baseline, queries: queries, corpus: corpus, map: map))
            }
        }
        for name in options.maps {
            let adapter = try context.adapter(of: name)
            if adapter.isHybrid, context.config.models.index.retired {
                throw PipelineRunError("evaluate: \(name): \(AdapterInputError.hybridWithRetiredIndexModel)")
            }
            let own =
                adapter.isHybrid
                ? try inputs.embeddings(\.queries?.indexModelEmbeddings, "data.queries.index_model_embeddings") : nil
            rows.append(
                try EvaluateWorkflow.row(name, adapter: adapter, queries: queries, indexQueries: own, corpus: corpus))
        }
        var settings = options.settings.workflowSettings(
            reference: options.compareTo ?? Self.defaultReference(options) ?? rows.first?.name, seed: context.seed)
        settings.upgradeMargin = context.config.models.index.retired ? options.verdict.margin : nil
        let data = context.config.data
        settings.evaluationFile = PipelineInspection.fileName("data.qrels.evaluation", data.qrels.evaluation)
        settings.labeledFile = PipelineInspection.fileName("data.qrels.labeled", data.qrels.labeled)
        settings.excludeLabeledOption = "set stages.\(stage.name).options.exclude_labeled: true to drop them"
        let outcome: EvaluateWorkflow.Outcome
        do {
            outcome = try EvaluateWorkflow.run(
                rows, queryIds: try inputs.ids(\.queries?.ids, "data.queries.ids"),
                corpusIds: index.ids, qrels: qrels, labeled: labeled, settings: settings, search: index.search,
                progress: { done, total, message in context.progress(completed: done, total: total, message) },
                log: { context.log($0) })
        } catch RetrievalError.empty(let message) {
            throw PipelineRunError(
                "nothing to do: \(message), with data.qrels.evaluation \(data.qrels.evaluation?.path ?? "?") "
                    + "and data.queries.ids \(data.queries?.ids.path ?? "?"): check that the qrels use the ids of that file"
            )
        }
        try context.write(
            Data(EvaluateWorkflow.perQueryTSV(outcome.runs, metrics: options.metrics).utf8), to: "per-query.tsv")
        for check in outcome.checks where check.status != .ok { context.log("check \(check.line)") }
        return StageOutput(artifacts: ["per_query": "per-query.tsv"], evaluation: outcome.table, checks: outcome.checks)
    }
}
