import Alignment
import Foundation
import Workflows

extension EvaluateStage {
    /// The centred Procrustes baseline, fitted on the first evaluated align stage's sample (all pairs without one).
    static func procrustes(_ inputs: StageInputs, context: StageContext, maps: [String]) throws -> AffineMap<Float> {
        let align = maps.lazy.compactMap { context.config.stage(named: $0) }.first { $0.kind == .align }
        let samples: Int? = if case .align(let options)? = align?.options { options.samples } else { nil }
        let seed = align.map { StageFingerprint.seed(pipelineSeed: context.config.seed, stage: $0.name) } ?? 0
        // The same pairs as stage one (from a Chroma collection: only the sample's records, fetched by id).
        let pairs = try inputs.alignmentPairs(sample: samples, seed: seed) { _ in }
        let fit = try AlignWorkflow.procrustesBaseline(
            sources: pairs.sources, targets: pairs.targets, ids: pairs.sourceIds, sample: pairs.sample, seed: seed)
        context.log("procrustes: fitted on \(fit.pairs) pairs, objective \(fit.objective)")
        return fit.map
    }

    /// What the user has: the index model's own queries when they are evaluated, else stage one.
    static func defaultReference(_ options: EvaluateOptions) -> String? {
        options.baselines.contains(.indexAsIs) ? EvaluateOptions.Baseline.indexAsIs.rawValue : options.maps.first
    }
}
