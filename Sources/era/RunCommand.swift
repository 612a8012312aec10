import Workflows
import ArgumentParser
import Foundation
import Pipeline

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline file: align, adapt, evaluate, sweep, export, with a report.",
        discussion: """
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
            """
    )

    @Argument(help: "The pipeline file (YAML).")
    var pipeline: String

    @Option(name: .customLong("set"), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Override a key, e.g. stages.adapt.options.budget=32 or seed=3 (value parsed as YAML); repeatable.",
                               valueName: "key.path=value"))
    var overrides: [String] = []

    @Option(name: .customLong("from"), help: ArgumentHelp("Re-run this stage and every stage after it.", valueName: "stage"))
    var fromStage: String?

    @Flag(help: "Re-run every stage, even those that are up to date.")
    var force = false

    @Flag(help: "Validate the pipeline and its files, then stop.")
    var check = false

    func run() throws {
        let config: PipelineConfig
        do {
            let parsed = try overrides.map { try ConfigOverride(parsing: $0) }
            config = try PipelineConfig.load(path: pipeline, overrides: parsed)
        } catch let error as ConfigError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            let count = error.problems.count
            FileHandle.standardError.write(Data("\(count) problem\(count == 1 ? "" : "s") in \(pipeline); nothing was run\n".utf8))
            throw ExitCode(1)
        }
        if let fromStage, config.stage(named: fromStage) == nil {
            throw CommandError("--from \(fromStage): no stage is named \"\(fromStage)\" (stages: \(config.stages.map(\.name).joined(separator: ", ")))")
        }
        if check {
            print("\(pipeline): valid (\(config.stages.count) stages: \(config.stages.map(\.name).joined(separator: ", ")))")
            return
        }
        let printer = ProgressPrinter()
        let runner = PipelineRunner(config: config, registry: .builtIn) { printer.handle($0) }
        let summary: RunSummary
        do {
            summary = try runner.run(from: fromStage, force: force)
        } catch let error as PipelineRunError {
            throw CommandError(error.message)
        }
        printer.finish()
        let tables = summary.metrics.terminalTables()
        if !tables.isEmpty { print(tables + "\n") }
        let skipped = summary.skipped.isEmpty ? "" : "; up to date: \(summary.skipped.joined(separator: ", "))"
        print("ran: \(summary.ran.isEmpty ? "nothing" : summary.ran.joined(separator: ", "))\(skipped)")
        print("report: \(summary.runDirectory.appendingPathComponent("report.html").path)")
    }
}

/// Prints run events on stderr: progress bars rewritten in place on a terminal, one line per
/// tenth of the work otherwise (so logs stay short).
final class ProgressPrinter: @unchecked Sendable {
    private let lock = NSLock()
    private let interactive = isatty(STDERR_FILENO) != 0
    private var lastTenth: [String: Int] = [:]
    private var pendingLine = false

    func handle(_ event: RunEvent) {
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case .hashing(let path, let done, let total):
            let name = (path as NSString).lastPathComponent
            progress(key: "hash \(path)", line: "hashing \(name)", fraction: total > 0 ? Double(done) / Double(total) : nil)
        case .stageSkipped(let name):
            line("\(name): up to date, skipped")
        case .stageStarted(let name, let reason):
            line("\(name): running (\(reason))")
        case .stageProgress(let event):
            let count = event.total.map { "\(event.completed)/\($0) " } ?? ""
            progress(key: "stage \(event.stage)", line: "  \(event.stage): \(count)\(event.message)",
                     fraction: event.fraction)
        case .stageFinished(let name, let seconds):
            line(String(format: "%@: done in %.1f s", name, seconds))
        case .wrote:
            break
        }
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if pendingLine { write("\n") }
        pendingLine = false
    }

    private func line(_ text: String) {
        if pendingLine { write("\n") }
        pendingLine = false
        write(text + "\n")
    }

    private func progress(key: String, line text: String, fraction: Double?) {
        let percent = fraction.map { String(format: " %3.0f%%", $0 * 100) } ?? ""
        if interactive {
            write("\r\u{1B}[2K" + text + percent)
            pendingLine = true
        } else {
            let tenth = Int(((fraction ?? 0) * 10).rounded(.down))
            guard lastTenth[key] != tenth else { return }
            lastTenth[key] = tenth
            write(text + percent + "\n")
        }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

extension RunMetrics {
    /// The comparison tables of every evaluate stage, in plain text for the terminal:
    /// nDCG@10 and Recall@100 on every query subset, and the paired test against the reference.
    func terminalTables() -> String {
        var blocks = [String]()
        for name in order {
            guard let table = stages[name]?.evaluation else { continue }
            let shown = ["ndcg@10", "recall@100"].filter(table.metrics.contains)
            var header = ["row"]
            for subset in table.subsets { for metric in shown { header.append("\(metric) \(subset.name) (\(subset.queries))") } }
            if let reference = table.comparedTo { header.append("nDCG@10 vs \(reference) (all)") }
            var rows = [header]
            for row in table.rows {
                var cells = [row.name]
                for subset in table.subsets {
                    for metric in shown { cells.append(row.values[subset.name]?[metric].map { String(format: "%.4f", $0) } ?? "-") }
                }
                if table.comparedTo != nil {
                    let test = row.significance.first { $0.subset == table.subsets.first?.name && $0.metric == "ndcg@10" }
                    cells.append(test.map { String(format: "%+.4f, p %@", $0.difference, $0.pValue < 0.001 ? "< 0.001" : String(format: "= %.3f", $0.pValue)) }
                        ?? (row.name == table.comparedTo ? "reference" : "-"))
                }
                rows.append(cells)
            }
            blocks.append("\(name):\n" + TextTable(rows).render())
        }
        return blocks.joined(separator: "\n\n")
    }
}
