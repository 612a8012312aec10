import Alignment
import EmbeddingIO
import Foundation
import Workflows

/// `kind: sweep`: `SweepWorkflow` with the options of the adapt stage named by `adapt`, at every
/// budget (and all labeled queries, with `include_all`) and `repeats` seeds each; all training
/// happens before the evaluation qrels are read. Artifacts: `sweep.json`, `sweep.md` and `sweep.svg`.
public struct SweepStage: StageRunner {
    public init() {}

    public func run(stage: StageConfig, context: StageContext) throws -> StageOutput {
        guard case .sweep(let options) = stage.options else {
            throw PipelineRunError("SweepStage cannot run a \(stage.kind.rawValue) stage")
        }
        guard let adaptStage = context.config.stage(named: options.stage),
            case .adapt(let adaptOptions) = adaptStage.options
        else {
            throw PipelineRunError("sweep: \(options.stage) is not an adapt stage")
        }
        let adaptRequest = try AdaptStage.request(
            context, stageOne: try context.adapter(of: adaptOptions.from), from: adaptOptions.from,
            hybrid: adaptOptions.hybrid)
        let problem = try AdaptStage.prepared(adaptRequest, context: context).problem
        let evaluation = try StageInputs(context: context).sweepEvaluation(queryIds: problem.queryIds)
        let request = SweepWorkflow.Request(
            problem: problem, configurations: [(adaptStage.name, adaptOptions.settings(seed: 0))],
            settings: options.settings, firstSeed: context.seed, evaluation: evaluation)
        context.log(
            "seeds \(context.seed) to \(request.seeds.last ?? context.seed) (derived from seed "
                + "\(context.config.seed) and the stage name): `era sweep ... --seed \(context.seed)` draws the same")
        let outcome: SweepWorkflow.Outcome
        do {
            outcome = try SweepWorkflow.run(request) { context.record($0.report) }
        } catch {
            throw PipelineRunError("sweep: \(error)")
        }
        for file in outcome.files { try context.write(file.data, to: file.name) }
        return StageOutput(
            artifacts: ["summary": "sweep.json", "table": "sweep.md", "chart": "sweep.svg"], sweep: outcome.curve)
    }
}
