import Alignment
import EmbeddingIO
import Foundation
import Workflows

/// `kind: sweep`: `SweepWorkflow` with the options of the adapt stage named by `adapt`, at every
/// budget (and all labeled queries, with `include_all`) and `repeats` seeds each; all training
/// happens before the evaluation qrels are read. Artifacts: `sweep.json` and `sweep.md`.
public struct SweepStage: StageRunner {
    public init() {}

    public func run(stage: StageConfig, context: StageContext) throws -> StageOutput {
        guard case .sweep(let options) = stage.options else {
            throw PipelineRunError("SweepStage cannot run a \(stage.kind.rawValue) stage")
        }
        guard let adaptStage = context.config.stage(named: options.adapt),
            case .adapt(let adaptOptions) = adaptStage.options
        else {
            throw PipelineRunError("sweep: \(options.adapt) is not an adapt stage")
        }
        let request = try AdaptStage.request(
            context, stageOne: try context.adapter(of: adaptOptions.from), from: adaptOptions.from,
            hybrid: adaptOptions.hybrid)
        let problem = try AdaptStage.prepared(request, context: context).problem
        let evaluation = try StageInputs(context: context).sweepEvaluation(queryIds: problem.queryIds)
        // Budgets at or above the labeled pool are the "all" point again: train it once.
        let budgets = options.settings.budgetList(labeled: SweepWorkflow.labeledPool(problem))
        let seeds = SweepWorkflow.seeds(first: context.seed, repeats: options.repeats)
        context.log(
            "seeds \(context.seed) to \(context.seed &+ UInt64(max(options.repeats - 1, 0))) (derived from seed "
                + "\(context.config.seed) and the stage name): `era sweep ... --seed \(context.seed)` draws the same")
        let total = budgets.count * seeds.count
        var trained = 0
        let result: AdaptSweepResult
        do {
            result = try AdaptSweep.run(
                problem: problem, configurations: [(adaptStage.name, adaptOptions.settings(seed: 0))],
                budgets: budgets, seeds: seeds, evaluation: evaluation,
                trials: options.significanceTrials
            ) { event in
                if let line = SweepWorkflow.describe(event) { context.log(line) }
                switch event {
                case .trained:
                    trained += 1
                    context.progress(completed: trained, total: total + 1, "trained \(trained)/\(total)")
                case .training: break
                case .evaluating: context.progress(completed: total, total: total + 1, "evaluating")
                }
            }
        } catch {
            throw PipelineRunError("sweep: \(error)")
        }
        for file in try SweepWorkflow.files(result) { try context.write(file.data, to: file.name) }
        return StageOutput(
            artifacts: ["summary": "sweep.json", "table": "sweep.md"], sweep: SweepWorkflow.curves(result).first?.curve)
    }
}
