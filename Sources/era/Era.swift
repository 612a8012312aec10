import ArgumentParser
import Workflows

@main
struct Era: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "era",
        abstract: "Map a stronger query model into an existing vector index's embedding space.",
        discussion: """
            era learns a small map from a query model's embedding space into the space of the \
            model an index was built with, and applies it to queries only: the documents are \
            never re-embedded. Typical flow: `era align` (no labels) -> `era adapt` (a few labels) \
            -> `era evaluate` -> export, or all of it at once with `era run PIPELINE.yaml`.
            """,
        version: EraVersion.current,
        subcommands: [
            InitCommand.self, RunCommand.self, AlignCommand.self, AdaptCommand.self, EvaluateCommand.self,
            SweepCommand.self,
            ApplyCommand.self, ExportCommand.self,
        ]
    )

    static func main() {
        // First: a restart replaces the process, so nothing done before it would count.
        BLASKernelRestart.restartIfOpenBLASMisdetectedTheCPU()
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "bench" {
            exit(
                withError: CommandError(
                    "the benchmarks have their own tool: era-bench \(arguments.dropFirst().joined(separator: " ")) "
                        + "(built beside era; docs/benchmarks.md)"))
        }
        main(NegativeOptionValues.attached(arguments))
    }
}
