import ConfigDecoding
import Foundation
import Retrieval
import Workflows

/// Checks each sweep's budgets against the labeled pool (`data.qrels.labeled`), so `--check`
/// says what would otherwise only show as a missing point on the chart: a budget at or above the
/// pool trains on every labeled query, which is the `include_all` point again, and a budget above
/// the pool is a number of labels that does not exist.
///
/// These are notes, not problems: the sweep trains such budgets once, as the "all" point
/// (`SweepSettings.budgetList(labeled:)`), so the run is still right, and the default budgets
/// must not stop a run on a small labeled set. An unreadable qrels file is a problem.
struct SweepBudgetChecker {
    let log: ProblemLog
    let notes: ProblemLog
    let files: InputFiles

    /// Queries with at least one positive judgment: the most labels any budget can use.
    static func labeledCount(_ qrels: Qrels) -> Int {
        qrels.judgments.values.filter { $0.values.contains { $0 > 0 } }.count
    }

    func check(_ config: PipelineConfig) {
        let sweeps = config.stages.enumerated().compactMap { entry -> (Int, StageConfig, SweepOptions)? in
            if case .sweep(let options) = entry.element.options { return (entry.offset, entry.element, options) }
            return nil
        }
        // Without sweeps, or without a readable pool, there is nothing to compare (a missing file
        // is already reported by DataFileChecker).
        guard !sweeps.isEmpty, let file = config.data.qrels.labeled,
            FileManager.default.fileExists(atPath: file.path)
        else { return }
        let labeled: Int
        do {
            labeled = Self.labeledCount(try files.qrels(file.path))
        } catch {
            log.add(file.location, "data.qrels.labeled", DataFileChecker.message(of: error))
            return
        }
        for (index, stage, options) in sweeps {
            let settings = options.settings
            let tooLarge = Array(Set(settings.budgets.filter { settings.includeAll ? $0 >= labeled : $0 > labeled }))
                .sorted()
            guard !tooLarge.isEmpty else { continue }
            let list = tooLarge.map(String.init).joined(separator: ", ")
            let what = settings.includeAll ? "at or above" : "above"
            let noun = tooLarge.count == 1 ? "budget" : "budgets"
            notes.add(
                stage.location, "stages[\(index)].options.budgets",
                "\(noun) \(list) \(what) the \(labeled) labeled queries of data.qrels.labeled: trained once, "
                    + "as the point of all \(labeled) labeled queries; budgets below \(labeled) give the curve its shape"
            )
        }
    }
}
