import Alignment
import Foundation
import Workflows

extension EvaluateStage {
    /// The centred Procrustes baseline, fitted on the first evaluated align stage's sample (all pairs without one).
    static func procrustes(_ inputs: StageInputs, context: StageContext, maps: [String]) throws -> AffineMap<Float> {
        let x = try inputs.embeddings(\.alignment?.queryModel, "data.alignment.query_model")
        let ids = try inputs.optionalIds(\.alignment?.ids, "data.alignment.ids") ?? (0..<x.rows).map(String.init)
        let align = maps.lazy.compactMap { context.config.stage(named: $0) }.first { $0.kind == .align }
        let samples: Int? = if case .align(let options)? = align?.options { options.samples } else { nil }
        let fit = try AlignWorkflow.procrustesBaseline(
            sources: x, targets: try inputs.embeddings(\.alignment?.indexModel, "data.alignment.index_model"), ids: ids,
            sample: samples,
            seed: align.map { StageFingerprint.seed(pipelineSeed: context.config.seed, stage: $0.name) } ?? 0)
        context.log("procrustes: fitted on \(fit.pairs) pairs, objective \(fit.objective)")
        return fit.map
    }

    /// What the user has: the index model's own queries when they are evaluated, else stage one.
    static func defaultReference(_ options: EvaluateOptions) -> String? {
        options.baselines.contains(.indexAsIs) ? EvaluateOptions.Baseline.indexAsIs.rawValue : options.maps.first
    }
}
