import EmbeddingIO
import Foundation
import Testing
import Workflows
import _TestSupport

@testable import Pipeline

/// Issue 21, "each input read once", on the shipped quickstart: one `era run` (the configuration's
/// checks at load, the manifest's hashes, and align, adapt, evaluate with its baselines, export)
/// opens each of its ten data files once, counted where EmbeddingIO's readers open files.
///
/// Slow tier: even shortened, the run takes about 14 s in a debug build (measured on 2 busy cores).
/// The fast tier counts the same opens on planted data through every stage kind
/// (`InputReadsTests.checksHashesAndStagesShareOneReadOfEachFile`).
@Suite(
    "The quickstart opens each input once",
    .enabled(if: SlowTier.isEnabled, "\(SlowTier.skipReason("the quickstart through every stage, about 14 s"))"))
struct QuickstartInputOpensSlowTests {
    static let quickstart = SharedData.packageRoot.appendingPathComponent("Pipelines/quickstart.yaml")

    /// Less training than the shipped run (what is counted is which files are opened, not the
    /// figures): every stage still reads every file it reads in the full run.
    static let shorter = [
        "stages.align.options.epochs=0",
        "stages.align.options.guardrail=false",
        "stages.adapt.options.budget=60",
        "stages.adapt.options.max_steps=10",
        "stages.adapt.options.folds=0",
        "stages.adapt.options.penalties=[0.03]",
        "stages.evaluate.options.significance_trials=100",
    ]

    @Test(
        .enabled(
            if: FileManager.default.fileExists(
                atPath: SharedData.packageRoot.appendingPathComponent("Pipelines/quickstart/index.static.npy").path),
            "the quickstart data is not in this checkout"))
    func eachQuickstartInputIsOpenedOnceARun() throws {
        let output = FileManager.default.temporaryDirectory
            .appendingPathComponent("era-quickstart-opens-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: output) }
        let opens = FileOpenLog()
        let (config, summary) = try FileOpenLog.$current.withValue(opens) {
            let files = InputFiles()
            let overrides = try Self.shorter.map { try ConfigOverride(parsing: $0, source: "--set") }
            let config = try PipelineConfig.load(path: Self.quickstart.path, overrides: overrides, files: files)
            let summary = try PipelineRunner(config: config, registry: .builtIn, runDirectory: output, files: files)
                .run()
            return (config, summary)
        }
        #expect(summary.ran == ["align", "adapt", "evaluate", "export"])
        let dataFiles = Set(config.data.files.map(\.file.path))
        #expect(dataFiles.count == 10)
        let openedInputs = opens.counts.filter { dataFiles.contains($0.key) }
        #expect(openedInputs == Dictionary(uniqueKeysWithValues: dataFiles.map { ($0, 1) }), "\(opens.paths)")
        // Nothing else in the data folder is opened (the shipped folder holds other models' files too).
        let dataFolder = Self.quickstart.deletingLastPathComponent().appendingPathComponent("quickstart").path + "/"
        #expect(opens.counts.keys.filter { $0.hasPrefix(dataFolder) }.allSatisfy(dataFiles.contains))
        #expect(summary.inputReads.count == 10 && summary.inputReads.values.allSatisfy { $0 == 1 })
        // What was hashed for the manifest is the files' content.
        let manifest = try JSONDecoder().decode(
            RunManifest.self, from: Data(contentsOf: output.appendingPathComponent("manifest.json")))
        for input in manifest.inputs.values {
            #expect(input.sha256 == (try SHA256.hex(fileAt: input.path)), "\(input.path)")
        }
    }
}
