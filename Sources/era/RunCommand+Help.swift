extension RunCommand {
    /// The long help of the command (`era run --help`).
    static let discussion = """
        Validates the whole pipeline first (unknown keys, wrong types, missing files, stage \
        references, dimensions against the .npy headers) and reports every problem as \
        file:line:column: key.path: message. Then runs the stages into runs/<name>/ (or the \
        pipeline's `output:`), skipping each stage whose options and inputs are unchanged since \
        it last completed. Writes config.resolved.yaml, manifest.json, metrics.json, report.md \
        and report.html. Keys and defaults: docs/pipelines.md.

        Examples:
          era run Pipelines/quickstart.yaml
          era run Pipelines/quickstart.yaml --set stages.adapt.options.budget=32 --from adapt
          era run Pipelines/quickstart.yaml --check

        With an evaluate stage's `gate: true`, the exit status follows the verdict: 0 for use or \
        switch, 3 when there is no verdict or it is withheld, 4 for keep, unclear or switch-costs.
        """
}
