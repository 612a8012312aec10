import Alignment
import Foundation
import LinearAlgebra
import Workflows

/// `kind: evaluate`: ``EvaluateWorkflow`` over the baselines (in the order written:
/// `index-as-is`, D's own queries; `re-embedded`, Q's queries against Q's documents;
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
            case .indexAsIs:
                let own = try inputs.embeddings(\.queries?.indexModelEmbeddings, "data.queries.index_model_embeddings")
                rows.append(.init(name: baseline.rawValue, role: .baseline, queries: own, corpus: corpus))
            case .reEmbedded:
                let reembedded = try inputs.embeddings(\.index?.queryModelEmbeddings, "data.index.query_model_embeddings")
                rows.append(.init(name: baseline.rawValue, role: .baseline, queries: queries, corpus: reembedded))
            case .procrustes:
                let map = try Self.procrustes(inputs, context: context, maps: options.maps)
                rows.append(.init(name: baseline.rawValue, role: .baseline, queries: queries, corpus: corpus, map: map))
            }
        }
        for name in options.maps {
            rows.append(.init(name: name, role: .stage, queries: queries, corpus: corpus, map: try context.adapter(of: name).map))
        }
        var settings = EvaluateWorkflow.Settings(metrics: options.metrics,
                                                 reference: options.compareTo ?? Self.defaultReference(options) ?? rows.first?.name)
        settings.significance = options.significance
        settings.trials = options.significanceTrials
        settings.confidence = options.confidence
        settings.seed = context.seed
        let outcome = try EvaluateWorkflow.run(
            rows, queryIds: try inputs.ids(\.queries?.ids, "data.queries.ids"), corpusIds: try inputs.ids(\.index?.ids, "data.index.ids"),
            qrels: qrels, labeled: labeled, settings: settings,
            progress: { done, total, message in context.progress(completed: done, total: total, message) },
            log: { context.log($0) })
        try context.write(Data(EvaluateWorkflow.perQueryTSV(outcome.runs, metrics: options.metrics).utf8), to: "per-query.tsv")
        return StageOutput(artifacts: ["per_query": "per-query.tsv"], evaluation: outcome.table)
    }

    /// The centred Procrustes baseline, fitted on the first evaluated align stage's sample (all pairs without one).
    static func procrustes(_ inputs: StageInputs, context: StageContext, maps: [String]) throws -> AffineMap<Float> {
        let x = try inputs.embeddings(\.alignment?.queryModel, "data.alignment.query_model")
        let ids = try inputs.optionalIds(\.alignment?.ids, "data.alignment.ids") ?? (0..<x.rows).map(String.init)
        let align = maps.lazy.compactMap { context.config.stage(named: $0) }.first { $0.kind == .align }
        let samples: Int? = if case .align(let options)? = align?.options { options.samples } else { nil }
        let fit = try AlignWorkflow.procrustesBaseline(
            sources: x, targets: try inputs.embeddings(\.alignment?.indexModel, "data.alignment.index_model"), ids: ids,
            sample: samples, seed: align.map { StageFingerprint.seed(pipelineSeed: context.config.seed, stage: $0.name) } ?? 0)
        context.log("procrustes: fitted on \(fit.pairs) pairs, objective \(fit.objective)")
        return fit.map
    }

    /// What the user has: the index model's own queries when they are evaluated, else stage one.
    static func defaultReference(_ options: EvaluateOptions) -> String? {
        options.baselines.contains(.indexAsIs) ? EvaluateOptions.Baseline.indexAsIs.rawValue : options.maps.first
    }
}
