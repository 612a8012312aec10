import ArgumentParser
import Foundation
import Pipeline
import Workflows

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline file: align, adapt, evaluate, sweep, export, with a report.",
        discussion: discussion
    )

    @Argument(help: "The pipeline file (YAML).")
    var pipeline: String

    @Option(
        name: .customLong("set"), parsing: .unconditionalSingleValue,
        help: ArgumentHelp(
            "Override a key, e.g. stages.adapt.options.budget=32 or seed=3 (value parsed as YAML); repeatable.",
            valueName: "key.path=value"))
    var overrides: [String] = []

    @Option(
        name: .customLong("from"), help: ArgumentHelp("Re-run this stage and every stage after it.", valueName: "stage")
    )
    var fromStage: String?

    @Flag(help: "Re-run every stage, even those that are up to date.")
    var force = false

    @Flag(help: "Validate the pipeline and its files, then stop.")
    var check = false

    func run() throws {
        let config: PipelineConfig
        // One cache for the checks and the run: each input file is opened and read once.
        let files = InputFiles()
        do {
            let parsed = try overrides.map { try ConfigOverride(parsing: $0, source: "--set") }
            config = try PipelineConfig.load(path: pipeline, overrides: parsed, files: files)
        } catch let error as ConfigError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            let count = error.problems.count
            FileHandle.standardError.write(
                Data("\(count) problem\(count == 1 ? "" : "s") in \(pipeline); nothing was run\n".utf8))
            throw ExitCode(1)
        }
        // Notes do not stop the run (or --check) but say where the file does not do what it reads like.
        for note in config.notes {
            FileHandle.standardError.write(Data("note: \(note)\n".utf8))
        }
        if let fromStage, config.stage(named: fromStage) == nil {
            throw CommandError(
                "--from \(fromStage): no stage is named \"\(fromStage)\" (stages: \(config.stages.map(\.name).joined(separator: ", ")))"
            )
        }
        if check {
            let inspection: PipelineInspection
            do {
                inspection = try PipelineInspection.inspect(config, files: files)
            } catch {
                throw CommandError("\(pipeline): \(error)")
            }
            print(inspection.text() + "\n")
            let failed = inspection.checks.filter { $0.status == .failed }
            guard failed.isEmpty else {
                let names = failed.map(\.name).joined(separator: ", ")
                let message =
                    "\(pipeline): \(failed.count) check\(failed.count == 1 ? "" : "s") failed (\(names)); nothing was run\n"
                FileHandle.standardError.write(Data(message.utf8))
                throw ExitCode(1)
            }
            print(
                "\(pipeline): valid (\(config.stages.count) stages: \(config.stages.map(\.name).joined(separator: ", ")))"
            )
            return
        }
        let printer = ProgressPrinter()
        let runner = PipelineRunner(config: config, registry: .builtIn, files: files) { printer.handle($0) }
        let summary: RunSummary
        do {
            summary = try runner.run(from: fromStage, force: force)
        } catch let error as PipelineRunError {
            throw CommandError(error.message)
        }
        printer.finish()
        let tables = summary.metrics.terminalTables()
        if !tables.isEmpty { print(tables + "\n") }
        for (stage, notes) in summary.notes {
            for note in notes { print("\(stage): \(note)") }
        }
        let skipped = summary.skipped.isEmpty ? "" : "; up to date: \(summary.skipped.joined(separator: ", "))"
        print("ran: \(summary.ran.isEmpty ? "nothing" : summary.ran.joined(separator: ", "))\(skipped)")
        if !summary.inputReads.isEmpty {
            let once = summary.inputReads.values.allSatisfy { $0 == 1 }
            print("inputs: \(summary.inputReads.count) files read\(once ? ", each once" : ": \(summary.inputReads)")")
        }
        print("report: \(summary.runDirectory.appendingPathComponent("report.html").path)")
        let gated = config.stages.contains { stage in
            if case .evaluate(let options) = stage.options { options.verdict.gate } else { false }
        }
        if gated {
            let code = summary.metrics.verdict?.exitCode ?? Verdict.exitNoAdvice
            if code != 0 {
                let decision = summary.metrics.verdict?.decision.rawValue ?? "no verdict"
                FileHandle.standardError.write(Data("gate: \(decision), exit status \(code)\n".utf8))
                throw ExitCode(code)
            }
        }
    }
}
