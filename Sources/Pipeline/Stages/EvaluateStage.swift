import Alignment
import Foundation
import LinearAlgebra
import Retrieval
import Workflows

/// `kind: evaluate`: ``EvaluateWorkflow`` over the baselines (in the order written:
/// `index-zero-shot`, D's own queries; `query-model-upper-bound`, Q's queries against Q's documents;
/// `procrustes`, the centered Procrustes map of `data.alignment`), then each stage's map, on all
/// queries and the unseen subset, each row tested against the reference. Artifact `per-query.tsv`.
public struct EvaluateStage: StageRunner {
    public init() {}

    public func run(stage: StageConfig, context: StageContext) throws -> StageOutput {
        guard case .evaluate(let options) = stage.options else { throw PipelineRunError("EvaluateStage cannot run a \(stage.kind.rawValue) stage") }
        let inputs = StageInputs(context: context)
        let qrels = try inputs.qrels(\.qrels.evaluation, "data.qrels.evaluation")
        let labeled = options.unseen ? try inputs.qrels(\.qrels.labeled, "data.qrels.labeled") : nil
        let corpus = try inputs.embeddings(\.index?.embeddings, "data.index.embeddings")
        let queries = try inputs.embeddings(\.queries?.embeddings, "data.queries.embeddings")
        var rows: [EvaluateWorkflow.Row] = []
        for baseline in options.baselines {
            switch baseline {
            case .indexZeroShot:
                let own = try inputs.embeddings(\.queries?.indexModelEmbeddings, "data.queries.index_model_embeddings")
                rows.append(.init(name: baseline.rawValue, role: .baseline, queries: own, corpus: corpus))
            case .queryModelUpperBound:
                let reembedded = try inputs.embeddings(\.index?.queryModelEmbeddings, "data.index.query_model_embeddings")
                rows.append(.init(name: baseline.rawValue, role: .baseline, queries: queries, corpus: reembedded))
            case .procrustes:
                let x = try inputs.matrix(\.alignment?.queryModel, "data.alignment.query_model")
                let y = try inputs.matrix(\.alignment?.indexModel, "data.alignment.index_model")
                let fit = try Procrustes.fit(source: x, target: y)
                context.log("procrustes: fitted on \(x.rows) pairs, objective \(fit.objective)")
                rows.append(.init(name: baseline.rawValue, role: .baseline, queries: queries, corpus: corpus, map: fit.map))
            }
        }
        for name in options.maps {
            rows.append(.init(name: name, role: .stage, queries: queries, corpus: corpus, map: try context.adapter(of: name).map))
        }
        var settings = EvaluateWorkflow.Settings(metrics: options.metrics,
                                                 reference: options.compareTo ?? options.maps.first ?? rows.first?.name)
        settings.significance = options.significance
        settings.trials = options.significanceTrials
        settings.confidence = options.confidence
        settings.seed = context.seed
        let outcome: EvaluateWorkflow.Outcome
        do {
            outcome = try EvaluateWorkflow.run(
                rows, queryIds: try inputs.ids(\.queries?.ids, "data.queries.ids"), corpusIds: try inputs.ids(\.index?.ids, "data.index.ids"),
                qrels: qrels, labeled: labeled, settings: settings,
                progress: { done, total, message in context.progress(completed: done, total: total, message) },
                log: { context.log($0) })
        } catch RetrievalError.empty(let message) {
            let data = context.config.data
            throw PipelineRunError("nothing to do: \(message), with data.qrels.evaluation \(data.qrels.evaluation?.path ?? "?") "
                + "and data.queries.ids \(data.queries?.ids.path ?? "?"): check that the qrels use the ids of that file")
        }
        try context.write(Data(EvaluateWorkflow.perQueryTSV(outcome.runs, metrics: options.metrics).utf8), to: "per-query.tsv")
        return StageOutput(artifacts: ["per_query": "per-query.tsv"], evaluation: outcome.table)
    }
}
