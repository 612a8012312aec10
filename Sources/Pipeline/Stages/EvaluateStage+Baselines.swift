import Alignment
import Foundation
import LinearAlgebra
import Workflows

extension EvaluateStage {
    /// The inputs of an evaluation, each named by its key path (`PipelineInputRole`).
    typealias Role = EvaluateInputError.Role

    /// The baselines in the order written, each with the inputs it reads.
    static func addBaselines(
        _ options: EvaluateOptions, to request: inout EvaluateWorkflow.Request, inputs: StageInputs,
        context: StageContext
    ) throws {
        for baseline in options.baselines {
            switch baseline {
            case .indexAsIs:
                request.indexQueries = try indexQueries(inputs)
                request.baselines.append(.indexAsIs)
            case .reEmbedded:
                try inputs.requireIndexFiles(for: "the re-embedded baseline")
                request.reembeddedCorpus = try inputs.embeddings(\.index?.queryModelEmbeddings, Role.reembeddedCorpus)
                request.baselines.append(.reEmbedded)
            case .procrustes:
                let map = try procrustes(context: context, maps: options.maps)
                request.baselines.append(.map(name: baseline.rawValue, map))
            }
        }
    }

    static func indexQueries(_ inputs: StageInputs) throws -> any RowMatrix {
        try inputs.embeddings(\.queries?.indexModelEmbeddings, Role.indexQueries)
    }

    /// The centred Procrustes baseline, fitted on the first evaluated align stage's sample (all pairs without one).
    static func procrustes(context: StageContext, maps: [String]) throws -> AffineMap<Float> {
        let align = maps.lazy.compactMap { context.config.stage(named: $0) }.first { $0.kind == .align }
        let samples: Int? = if case .align(let options)? = align?.options { options.samples } else { nil }
        let seed = align.map { StageFingerprint.seed(pipelineSeed: context.config.seed, stage: $0.name) } ?? 0
        // The same pairs as stage one (from a Chroma collection: only the sample's records, fetched by id).
        var settings = AlignSettings()
        settings.samples = samples
        let request = try AlignStage.request(settings, seed: seed, context: context)
        let pairs: AlignWorkflow.Request
        do { pairs = try request.prepare() } catch { throw error.pipelineError(context.config.data) }
        let fit = try AlignWorkflow.procrustesBaseline(
            sources: pairs.sources, targets: pairs.targets, ids: pairs.sourceIds, sample: pairs.sample, seed: seed)
        context.log("procrustes: fitted on \(fit.pairs) pairs, objective \(fit.objective)")
        return fit.map
    }

    /// What the user has: the index model's own queries when they are evaluated, else stage one.
    static func defaultReference(_ options: EvaluateOptions) -> String? {
        options.baselines.contains(.indexAsIs) ? EvaluateOptions.Baseline.indexAsIs.rawValue : options.maps.first
    }

    /// The workflow's error about an input, told with the config key (or stage) that gave it.
    static func error(_ error: EvaluateInputError, data: DataConfig) -> any Error {
        guard case .nothingToDo(let message) = error.problem else {
            return error.pipelineError(data)
        }
        return PipelineRunError(
            "nothing to do: \(message), with data.qrels.evaluation \(data.qrels.evaluation?.path ?? "?") "
                + "and data.queries.ids \(data.queries?.ids.path ?? "?"): check that the qrels use the ids of that file"
        )
    }
}
