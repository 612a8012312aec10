import ConfigDecoding
import Foundation
import Retrieval
import Workflows

/// Checks each adapt stage's `folds` against the labeled queries it draws from
/// (`data.qrels.labeled`, at most `budget` of them): a fold holds at least one dev query, so more
/// folds than labeled queries cannot be made. The trainer would cap them, but the setting was
/// still a mistake worth naming before a run (issue 19: `folds: 100000`).
struct AdaptFoldsChecker {
    let log: ProblemLog
    let files: InputFiles

    func check(_ config: PipelineConfig) {
        let adapts = config.stages.compactMap { stage -> (StageConfig, AdaptOptions, Int)? in
            guard case .adapt(let options) = stage.options, let folds = options.settings.folds, folds > 1 else {
                return nil
            }
            return (stage, options, folds)
        }
        // A missing or unreadable qrels file is reported by the other checks.
        guard !adapts.isEmpty, let file = config.data.qrels.labeled,
            FileManager.default.fileExists(atPath: file.path),
            let qrels = try? files.qrels(file.path)
        else { return }
        let labeled = SweepBudgetChecker.labeledCount(qrels)
        for (stage, options, folds) in adapts {
            let usable = min(labeled, options.settings.budget ?? labeled)
            guard folds > usable else { continue }
            let budget = options.settings.budget.map { " (budget \($0))" } ?? ""
            log.add(
                stage.location, "stages.\(stage.name).options.folds",
                "folds \(folds) is more than the \(usable) labeled queries\(budget) of data.qrels.labeled "
                    + "(\(file.path)): each fold needs at least one dev query; use at most \(usable), or 5 (the default)"
            )
        }
    }
}
