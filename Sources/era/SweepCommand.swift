import ArgumentParser
import Foundation
import Workflows

/// `era sweep`: stage two at several label budgets and seeds, evaluated on held-out judgments.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract:
            "Adapt at several label budgets and seeds; table and chart of nDCG@10 against the number of labeled queries.",
        discussion: """
            For every budget (labeled queries drawn with the seed from --qrels) and seed, runs \
            `era adapt` with the given settings, and only then reads --eval-qrels and scores every \
            map on all evaluated queries and on the unseen subset (queries none of whose relevant \
            documents any --qrels query cites). Reports mean ± sd over seeds and a paired \
            randomization test of the seed-averaged per-query nDCG@10 against stage one; stage one \
            and, with --baseline-queries, the index model's own queries are the reference lines. \
            Writes <out-dir>/sweep.md (table), sweep.svg (chart) and sweep.json (every number). \
            `--constraint none,rotation` sweeps both families.

            Example:
              era sweep --adapter stage1.safetensors --queries mpnet.queries.npy --query-ids query_ids.txt \\
                --corpus minilm.corpus.npy --corpus-ids corpus_ids.txt --qrels qrels.train.tsv \\
                --eval-qrels qrels.test.tsv --baseline-queries minilm.queries.npy \\
                --budgets 10,25,50,100,200,all --seeds 3 --out-dir sweep/
            """
    )

    @OptionGroup var inputs: AdaptInputOptions
    @Option(help: "Held-out judgments to evaluate on (read after all training).") var evalQrels: String
    @Option(
        help:
            "The index model's embeddings of the same queries as a reference line only (with --index-queries the maps are hybrid and this is not needed)."
    )
    var baselineQueries: String?
    @Option(help: "Ids of --baseline-queries' rows (default: --query-ids).") var baselineQueryIds: String?
    @Option(help: "Label budgets, comma-separated; 'all' adds every labeled query (default: 10,25,50,100,200,all).")
    var budgets: BudgetList?
    @Option(help: .setting(SweepSettings.self, "repeats")) var seeds: Int?
    @Option(
        help:
            "The first seed: runs use --seed, --seed + 1, ... (a pipeline's sweep stage logs the seed that reproduces it)."
    )
    var seed: UInt64 = 0
    @Option(help: "Directory for sweep.md, sweep.svg and sweep.json (created if missing).") var outDir: String
    @Option(help: .setting(SweepSettings.self, "significance_trials")) var trials: Int?
    @OptionGroup var training: AdaptTrainingOptions
    @Flag(help: "No progress on stderr.") var quiet = false
    @OptionGroup var overwrite: OverwriteOptions

    func run() throws {
        let settings = try sweepSettings()
        let configurations = try training.configurations()
        let directory = URL(fileURLWithPath: outDir)
        // Before the output guard, which would otherwise speak of sweep.md inside a file.
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw CommandError("--out-dir \(outDir): is a file, not a folder; give a folder (it is created if missing)")
        }
        try overwrite.check(
            inputs: inputs.guardInputs + [.init("--eval-qrels", evalQrels)]
                + [("--baseline-queries", baselineQueries), ("--baseline-query-ids", baselineQueryIds)]
                .compactMap { flag, path in path.map { .init(flag, $0) } },
            outputs: [
                .init("--out-dir", directory.appendingPathComponent("sweep.json").path, .eraJSON)
            ]
                + ["sweep.md", "sweep.svg"].map {
                    .init(
                        "--out-dir", directory.appendingPathComponent($0).path,
                        .listedInEraJSON(directory.appendingPathComponent("sweep.json").path))
                })
        if let problem = Directories.create(directory.path) { throw CommandError("--out-dir: \(problem)") }
        let files = InputFiles()
        let loaded = try inputs.prepare(files)
        let evaluation = try loadEvaluation(files)
        let outcome: SweepWorkflow.Outcome
        do {
            outcome = try SweepWorkflow.run(
                SweepWorkflow.Request(
                    problem: loaded.problem, configurations: configurations, settings: settings, firstSeed: seed,
                    evaluation: evaluation)
            ) { event in
                if !quiet, case .line(let line) = event { printProgress(line) }
            }
        } catch let error as AlignmentError {
            throw CommandError("sweep: \(error.description)")
        }
        for file in outcome.files {
            try AtomicFile.write(file.data, to: directory.appendingPathComponent(file.name))
        }
        print(outcome.result.markdownTable())
    }

    /// The evaluation judgments are only *opened* inside the sweep, after training.
    private func loadEvaluation(_ files: InputFiles) throws -> AdaptSweepEvaluation {
        let path = evalQrels
        guard FileManager.default.fileExists(atPath: path) else { throw CommandError("\(path): not found") }
        let reference = inputs.indexQueries ?? baselineQueries
        let indexQueries = try reference.map { try files.embeddings($0, checked: true) }
        let indexIds = try reference.map {
            try files.ids(
                inputs.indexQueries == nil ? baselineQueryIds ?? inputs.queryIds : inputs.queryIds, rowsOf: $0)
        }
        return AdaptSweepEvaluation(
            loadQrels: { try files.qrels(path) }, indexQueries: indexQueries, indexQueryIds: indexIds)
    }

    /// The sweep's declared settings with the flags given (`--budgets` sets `budgets` and `include_all`).
    func sweepSettings() throws -> SweepSettings {
        var settings = SweepSettings()
        var given = flagValues(of: self).filter { ["seeds", "trials"].contains($0.flag) }
        if let budgets { given += [("budgets", budgets.values), ("include-all", budgets.includeAll)] }
        settings.apply(flags: given)
        if let (setting, message) = settings.problems().first { throw CommandError("--\(setting.flag): \(message)") }
        return settings
    }
}
