import EmbeddingIO
import Foundation
import Testing
import _TestSupport

/// The walkthroughs that run whole pipelines through the debug `era` binary, in the slow tier:
/// each runs stage one, stage two's dev folds and the evaluation of the bundled example at least
/// once (together about 90 s of CPU in a debug build, the largest part of the fast tier before they
/// moved). Their cheap halves (the pages' blocks, `era init`'s files, `--check`) stay in
/// ``YourDataWalkthroughTests`` and ``InitCommandTests``.
@Suite(.enabled(if: SlowTier.isEnabled, "\(SlowTier.skipReason("pipeline runs of the walkthroughs, about 90 s"))"))
struct WalkthroughSlowTests {
    /// docs/your-data.md, followed end to end as a user with their own files would (see
    /// ``YourDataWalkthroughTests``): the page's pipeline block run with `era run` and the page's
    /// small settings, then the exported hybrid adapter applied with `era apply --index-queries`.
    @Test func thePageRunsEndToEndOnYourOwnFiles() throws {
        let started = Date()
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let data = try YourDataWalkthroughTests.yourData(in: dir.url, index: .staticModel)

        // The data config: the template with its placeholders filled in, where the page's pipeline includes it.
        let configs = dir.url.appendingPathComponent("configs/data"),
            pipelines = dir.url.appendingPathComponent("Pipelines")
        try FileManager.default.createDirectory(at: configs, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: pipelines, withIntermediateDirectories: true)
        try YourDataWalkthroughTests.filledTemplate(data: data, index: .staticModel)
            .write(to: configs.appendingPathComponent("my-data.yaml"), atomically: true, encoding: .utf8)

        // The pipeline: the page's block, verbatim.
        let page = try YourDataWalkthroughTests.page()
        let pipeline = try #require(
            YourDataWalkthroughTests.block(in: page, language: "yaml", startingWith: "# Pipelines/my-data.yaml"),
            "docs/your-data.md has no ```yaml block starting with `# Pipelines/my-data.yaml`")
        try pipeline.write(to: pipelines.appendingPathComponent("my-data.yaml"), atomically: true, encoding: .utf8)
        for setting in YourDataWalkthroughTests.smallSettings {
            let key = String(setting.split(separator: "=")[0])
            #expect(page.contains("--set \(setting)"), "the page's small run no longer sets \(key) this way")
        }

        let check = try EraProcess.run(["run", "Pipelines/my-data.yaml", "--check"], in: dir.url)
        #expect(check.status == 0, "era run --check failed:\n\(check.stderr)")

        let run = try EraProcess.run(
            ["run", "Pipelines/my-data.yaml"] + YourDataWalkthroughTests.smallSettings.flatMap { ["--set", $0] },
            in: dir.url)
        try #require(run.status == 0, "era run failed:\n\(run.stderr)")
        #expect(run.stdout.contains("verdict (vs index-as-is):"), "no verdict line:\n\(run.stdout)")
        for row in ["index-as-is", "procrustes", "align", "adapt"] {
            #expect(run.stdout.contains("\n\(row) "), "the table has no \(row) row:\n\(run.stdout)")
        }
        #expect(run.stdout.contains("evaluate, unseen ("), "no unseen table:\n\(run.stdout)")

        let runDir = dir.url.appendingPathComponent("runs/my-data")
        let metrics = try JSONSerialization.jsonObject(
            with: Data(contentsOf: runDir.appendingPathComponent("metrics.json")))
        let verdict = try #require(
            (metrics as? [String: Any])?["verdict"] as? [String: Any], "metrics.json has no verdict object")
        try YourDataWalkthroughTests.checkVerdict(verdict)
        for name in ["report.md", "report.html", "adapt/adapter.safetensors", "evaluate/per-query.tsv"] {
            #expect(
                FileManager.default.fileExists(atPath: runDir.appendingPathComponent(name).path), "\(name) is missing")
        }

        // The exported adapter is hybrid (the data has the index model's queries) and maps queries.
        let adapter = runDir.appendingPathComponent("export/adapter.safetensors")
        try #require(FileManager.default.fileExists(atPath: adapter.path), "export/adapter.safetensors is missing")
        #expect(
            Set(try Safetensors.read(adapter).tensors.keys).isSuperset(of: ["weight", "weight_index", "bias"]),
            "the exported adapter is not hybrid")
        try YourDataWalkthroughTests.checkApply(
            adapter: adapter, data: data, index: .staticModel, out: dir.url.appendingPathComponent("mapped.npy"))
        // Without the index model's queries, a hybrid adapter is refused, saying why.
        let refused = try EraProcess.run([
            "apply", "--adapter", adapter.path, "--in", data.appendingPathComponent("queries.query-model.npy").path,
            "--out", dir.url.appendingPathComponent("refused.npy").path,
        ])
        #expect(
            refused.status != 0 && refused.stderr.contains("--index-queries"),
            "apply without --index-queries: \(refused.stderr)")
        print(
            "YourDataWalkthroughTests, era run: \(String(format: "%.1f", Date().timeIntervalSince(started))) s; \(verdict["recommendation"] ?? "")"
        )
    }

    /// A copied quickstart and `era init` on its files, both run with the same small settings from
    /// outside the clone, give the same figures, verdict included (``InitCommandTests``, issue 19 point 4).
    @Test(.enabled(if: InitCommandTests.hasQuickstart, "the quickstart data is not in this checkout"))
    func aCopiedQuickstartAndEraInitOnItsFilesGiveTheSameFigures() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        // 1. Pipelines/quickstart.yaml copied out of the clone: its presets are built in; only the
        //    two includes (the models and the data) name files of the clone.
        let shipped = try String(
            contentsOf: InitCommandTests.root.appendingPathComponent("Pipelines/quickstart.yaml"), encoding: .utf8)
        #expect(shipped.contains("extends: preset:align-default") && shipped.contains("extends: preset:adapt-default"))
        try dir.write(shipped, to: "quickstart.yaml")
        let unadjusted = try EraProcess.run(["run", "quickstart.yaml", "--check"], in: dir.url)
        #expect(unadjusted.status != 0)
        #expect(
            unadjusted.stderr.contains("quickstart.yaml:11:") && unadjusted.stderr.contains("include[0]"),
            "the message does not name the line to change:\n\(unadjusted.stderr)")
        let adjusted = shipped.replacingOccurrences(
            of: "  - ../configs/", with: "  - \(InitCommandTests.root.path)/configs/")
        try dir.write(adjusted, to: "quickstart.yaml")
        let copied = try EraProcess.run(["run", "quickstart.yaml"] + InitCommandTests.small, in: dir.url)
        try #require(copied.status == 0, "the copied quickstart failed:\n\(copied.stderr)")
        #expect(copied.stdout.contains("verdict (vs index-as-is):"))

        // 2. era init on a folder holding the quickstart's files, run from another folder.
        let data = dir.url.appendingPathComponent("quickstart")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: InitCommandTests.quickstart.path) {
            try FileManager.default.copyItem(
                at: InitCommandTests.quickstart.appendingPathComponent(name), to: data.appendingPathComponent(name))
        }
        let initialised = try EraProcess.run(["init", data.path], in: dir.url)
        try #require(initialised.status == 0, "era init failed:\n\(initialised.stderr)")
        #expect(initialised.stdout.contains("query model: mpnet (768-d); index model: static (256-d)"))
        let elsewhere = dir.url.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let run = try EraProcess.run(
            ["run", data.appendingPathComponent("era-pipeline.yaml").path] + InitCommandTests.small, in: elsewhere)
        try #require(run.status == 0, "the era init pipeline failed:\n\(run.stderr)")
        // The same figures, verdict included, as the quickstart itself with the same settings.
        #expect(
            try InitCommandTests.metrics(elsewhere.appendingPathComponent("runs/quickstart"))
                == InitCommandTests.metrics(dir.url.appendingPathComponent("runs/quickstart")))

        // 3. A second era init replaces nothing.
        let again = try EraProcess.run(["init", data.path], in: dir.url)
        #expect(again.status != 0 && again.stderr.contains("does not replace"), "\(again.stderr)")
    }

    /// docs/your-data.md's first section, followed as written: `era init my-data`, the data file it
    /// shows (byte for byte), `--check` and the smoke run from another folder.
    @Test(.enabled(if: InitCommandTests.hasQuickstart, "the quickstart data is not in this checkout"))
    func theYourDataPageStartsFromEraInit() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let (pipeline, elsewhere) = try InitCommandTests.followThePagesEraInit(in: dir)
        let run = try EraProcess.run(
            ["run", pipeline] + YourDataWalkthroughTests.smallSettings.flatMap { ["--set", $0] }, in: elsewhere)
        try #require(run.status == 0, "era run failed:\n\(run.stderr)")
        #expect(run.stdout.contains("verdict (vs index-as-is):"), "\(run.stdout)")
        #expect(
            FileManager.default.fileExists(atPath: elsewhere.appendingPathComponent("runs/my-data/report.html").path))
    }

    /// The page's "one command at a time" block, run as written in the data folder (adapt with small
    /// settings, evaluate with `--json`): the verdict against the index as it is, and mapped queries.
    /// Moved here from ``YourDataWalkthroughTests``: align, adapt and evaluate through the debug
    /// binary, about 5 s of CPU.
    @Test func theCommandsOneAtATimeRunAsWritten() throws {
        let started = Date()
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let data = try YourDataWalkthroughTests.yourData(in: dir.url, index: .staticModel)
        let commands = try YourDataWalkthroughTests.commands()
        #expect(commands.map(\.first) == ["align", "adapt", "evaluate", "apply"], "the page's commands: \(commands)")
        for command in commands {
            var arguments = command
            if command.first == "adapt" { arguments += ["--steps", "10", "--folds", "2", "--alphas", "0.5"] }
            if command.first == "evaluate" { arguments.append("--json") }
            let result = try EraProcess.run(arguments, in: data)
            try #require(result.status == 0, "era \(command.joined(separator: " ")) failed:\n\(result.stderr)")
            if command.first == "evaluate" {
                let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
                try YourDataWalkthroughTests.checkVerdict(
                    try #require(json?["verdict"] as? [String: Any], "era evaluate --json has no verdict"))
            }
        }
        let mapped = try Npy.read(data.appendingPathComponent("mapped.npy"))
        #expect(
            mapped.rows == (try IdList.read(data.appendingPathComponent("query_ids.txt"))).count
                && mapped.columns == YourDataWalkthroughTests.Index.staticModel.dim)
        print(
            "WalkthroughSlowTests, one command at a time: \(String(format: "%.1f", Date().timeIntervalSince(started))) s"
        )
    }
}
