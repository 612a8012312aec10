/// Names era writes at the top of a run directory, beside the stage folders. A stage named like
/// one of them would have its folder collide with the file (a stage named `config.resolved.yaml`
/// deleted that file; one named `report.md` broke every later run), so validation refuses them.
/// Names starting with "." (staging, replaced, temporary, lock and marker files) are refused
/// already as folder names.
enum RunFileNames {
    static let fixed: Set<String> = [
        "config.resolved.yaml", RunDirectory.manifestName, "metrics.json", "report.md", "report.html",
    ]

    /// Whether era writes a file of this name at the top of a run directory (its temporaries are
    /// era's to remove when a killed run left them).
    static func isRunFile(_ name: String) -> Bool {
        fixed.contains(name) || name == RunDirectory.runMarkerName
            || (name.hasPrefix("budget-") && name.hasSuffix(".svg"))
    }

    /// Why `stage` cannot be a stage name, or nil when it can.
    static func collision(forStage stage: String) -> String? {
        let lowered = stage.lowercased()
        let clashes =
            fixed.contains(lowered) || lowered.hasSuffix(".failed.log")
            || (lowered.hasPrefix("budget-") && lowered.hasSuffix(".svg"))
        guard clashes else { return nil }
        return "\"\(stage)\" is the name of a file era writes in the run directory "
            + "(\(fixed.sorted().joined(separator: ", ")), <stage>.failed.log, budget-*.svg); give the stage another name"
    }
}
