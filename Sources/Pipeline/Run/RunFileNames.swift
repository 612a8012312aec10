/// Names era writes at the top of a run directory, beside the stage folders. A stage named like
/// one of them would have its folder collide with the file (a stage named `config.resolved.yaml`
/// deleted that file; one named `report.md` broke every later run), so validation refuses them.
/// Names starting with "." (staging, replaced, temporary, lock and marker files) are refused
/// already as folder names.
enum RunFileNames {
    /// The run's results: what a failed run removes, so that they never describe another configuration.
    static let summaries: Set<String> = ["metrics.json", "report.md", "report.html"]
    static let fixed: Set<String> = summaries.union(["config.resolved.yaml", RunDirectory.manifestName])

    /// A budget chart of a sweep (`budget-<sweep>-<subset>.svg`), a summary too.
    static func isBudgetChart(_ name: String) -> Bool { name.hasPrefix("budget-") && name.hasSuffix(".svg") }

    /// Whether `name` is one of the run's results (``summaries`` or a budget chart).
    static func isSummary(_ name: String) -> Bool { summaries.contains(name) || isBudgetChart(name) }

    /// Whether era writes a file of this name at the top of a run directory (its temporaries are
    /// era's to remove when a killed run left them).
    static func isRunFile(_ name: String) -> Bool {
        fixed.contains(name) || name == RunDirectory.runMarkerName || isBudgetChart(name)
    }

    /// Why `stage` cannot be a stage name, or nil when it can.
    static func collision(forStage stage: String) -> String? {
        let lowered = stage.lowercased()
        let clashes =
            fixed.contains(lowered) || lowered.hasSuffix(".failed.log")
            || isBudgetChart(lowered)
        guard clashes else { return nil }
        return "\"\(stage)\" is the name of a file era writes in the run directory "
            + "(\(fixed.sorted().joined(separator: ", ")), <stage>.failed.log, budget-*.svg); give the stage another name"
    }
}
