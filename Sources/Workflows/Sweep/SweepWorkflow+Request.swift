import Alignment
import Foundation
import Reports

extension SweepWorkflow {
    /// The label-budget sweep as one request, the same for `era sweep` and `kind: sweep`: stage two's
    /// problem, the configurations repeated at every budget, the sweep's settings and its first seed.
    /// ``SweepWorkflow/run(_:progress:)`` draws the budgets and seeds, trains every map before the
    /// evaluation judgments are read, and returns every file the sweep writes.
    public struct Request {
        public var problem: AdaptProblem
        /// Each configuration's name (a table row's prefix) and its stage-two settings.
        public var configurations: [(label: String, settings: AdaptSettings)]
        public var settings: SweepSettings
        /// Runs use `firstSeed`, `firstSeed + 1`, ... (``seeds(first:repeats:)``).
        public var firstSeed: UInt64
        /// The evaluation judgments (opened only after all training) and the reference lines' queries.
        public var evaluation: AdaptSweepEvaluation

        public init(
            problem: AdaptProblem, configurations: [(label: String, settings: AdaptSettings)],
            settings: SweepSettings, firstSeed: UInt64, evaluation: AdaptSweepEvaluation
        ) {
            self.problem = problem
            self.configurations = configurations
            self.settings = settings
            self.firstSeed = firstSeed
            self.evaluation = evaluation
        }

        /// The budgets trained, smallest first; one at or above the labeled pool is the "all" point again.
        public var budgets: [Int?] { settings.budgetList(labeled: SweepWorkflow.labeledPool(problem)) }
        public var seeds: [UInt64] { SweepWorkflow.seeds(first: firstSeed, repeats: settings.repeats) }
    }

    /// What a sweep reports while it runs.
    public enum Progress {
        /// A line for a person (a finished training run; the start of the evaluation).
        case line(String)
        /// `completed` of `total` training runs are done.
        case trained(completed: Int, total: Int)
        /// All `total` runs are trained; the evaluation starts.
        case evaluating(total: Int)

        /// The line, or where the sweep stands (the evaluation counted as one more step).
        public var report: EventReport {
            switch self {
            case .line(let line): EventReport(line: line)
            case .trained(let completed, let total):
                EventReport(progress: .init(completed: completed, total: total + 1, "trained \(completed)/\(total)"))
            case .evaluating(let total): EventReport(progress: .init(completed: total, total: total + 1, "evaluating"))
            }
        }
    }

    /// A finished sweep: the result, its first configuration's curve, and the files it writes.
    public struct Outcome {
        public var result: AdaptSweepResult
        public var curve: SweepCurve?
        /// `sweep.md` (the table), `sweep.json` (every number, no timings) and `sweep.svg` (the chart), by name.
        public var files: [(name: String, data: Data)]
    }

    /// Runs the sweep of `request`.
    /// - Throws: stage two's `AlignmentError`, or `RetrievalError` for a significance trial count out of range.
    public static func run(_ request: Request, progress: (Progress) -> Void = { _ in }) throws -> Outcome {
        let budgets = request.budgets, seeds = request.seeds
        let total = budgets.count * seeds.count
        var trained = 0
        let result = try AdaptSweep.run(
            problem: request.problem, configurations: request.configurations, budgets: budgets,
            seeds: seeds, evaluation: request.evaluation, trials: request.settings.significanceTrials
        ) { event in
            if let line = describe(event) { progress(.line(line)) }
            switch event {
            case .trained:
                trained += 1
                progress(.trained(completed: trained, total: total))
            case .training: break
            case .evaluating: progress(.evaluating(total: total))
            }
        }
        return Outcome(
            result: result, curve: curves(result).first?.curve,
            files: try files(result, chart: Data(chart(of: result).render().utf8)))
    }
}
