import Foundation
import Testing
import _TestSupport

/// Issue 19, point 4: era outside the clone. `era init` on a folder of files writes a pipeline that
/// runs from anywhere, and a shipped pipeline copied out of the clone runs once its two `include:`
/// lines name the data.
@Suite("era init and pipelines outside the clone")
struct InitCommandTests {
    static let root = SharedData.packageRoot
    static let quickstart = root.appendingPathComponent("Pipelines/quickstart")
    static var hasQuickstart: Bool {
        FileManager.default.fileExists(atPath: quickstart.appendingPathComponent("index.static.npy").path)
    }

    /// Small settings for runs in a debug build (the same for every run compared).
    static let small = [
        "stages.align.options.samples=300", "stages.align.options.epochs=1", "stages.adapt.options.budget=60",
        "stages.adapt.options.max_steps=10", "stages.adapt.options.evaluation_interval=5",
        "stages.adapt.options.folds=2", "stages.adapt.options.alphas=[0.5]",
        "stages.evaluate.options.significance_trials=500",
    ].flatMap { ["--set", $0] }

    /// metrics.json without the pipeline's name (the run folder's name).
    static func metrics(_ run: URL) throws -> NSDictionary {
        let object = try JSONSerialization.jsonObject(
            with: Data(contentsOf: run.appendingPathComponent("metrics.json")))
        let dictionary = try #require(object as? [String: Any], "metrics.json is not an object")
        return dictionary.filter { $0.key != "pipeline" } as NSDictionary
    }

    /// The cheap half of ``WalkthroughSlowTests/aCopiedQuickstartAndEraInitOnItsFilesGiveTheSameFigures()``
    /// (which runs both pipelines and compares their figures): the shipped quickstart copied out of
    /// the clone names the line to change, and passes `--check` once changed; `era init` on a folder
    /// of the quickstart's files names both models, writes a pipeline that passes `--check` from
    /// another folder, and a second `era init` replaces nothing.
    @Test(.enabled(if: hasQuickstart, "the quickstart data is not in this checkout"))
    func aCopiedQuickstartAndEraInitOnItsFilesPassTheCheck() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let shipped = try String(
            contentsOf: Self.root.appendingPathComponent("Pipelines/quickstart.yaml"), encoding: .utf8)
        #expect(shipped.contains("extends: preset:align-default") && shipped.contains("extends: preset:adapt-default"))
        try dir.write(shipped, to: "quickstart.yaml")
        let unadjusted = try EraProcess.run(["run", "quickstart.yaml", "--check"], in: dir.url)
        #expect(unadjusted.status != 0)
        #expect(
            unadjusted.stderr.contains("quickstart.yaml:11:") && unadjusted.stderr.contains("include[0]"),
            "the message does not name the line to change:\n\(unadjusted.stderr)")
        let adjusted = shipped.replacingOccurrences(of: "  - ../configs/", with: "  - \(Self.root.path)/configs/")
        try dir.write(adjusted, to: "quickstart.yaml")
        let copied = try EraProcess.run(["run", "quickstart.yaml", "--check"] + Self.small, in: dir.url)
        #expect(copied.status == 0, "the copied quickstart fails --check:\n\(copied.stderr)")

        let data = dir.url.appendingPathComponent("quickstart")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.quickstart.path) {
            try FileManager.default.copyItem(
                at: Self.quickstart.appendingPathComponent(name), to: data.appendingPathComponent(name))
        }
        let initialised = try EraProcess.run(["init", data.path], in: dir.url)
        try #require(initialised.status == 0, "era init failed:\n\(initialised.stderr)")
        #expect(initialised.stdout.contains("query model: mpnet (768-d); index model: static (256-d)"))
        let elsewhere = dir.url.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let check = try EraProcess.run(
            ["run", data.appendingPathComponent("era-pipeline.yaml").path, "--check"] + Self.small, in: elsewhere)
        #expect(check.status == 0, "the era init pipeline fails --check:\n\(check.stderr)")

        let again = try EraProcess.run(["init", data.path], in: dir.url)
        #expect(again.status != 0 && again.stderr.contains("does not replace"), "\(again.stderr)")
    }

    /// The cheap half of ``WalkthroughSlowTests/theYourDataPageStartsFromEraInit()`` (which also runs
    /// the smoke run): docs/your-data.md's `era init my-data`, the data file it shows (byte for
    /// byte), and `--check` of the pipeline it writes from another folder.
    @Test(.enabled(if: hasQuickstart, "the quickstart data is not in this checkout"))
    func theYourDataPageStartsFromEraInitAndPassesTheCheck() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        _ = try Self.followThePagesEraInit(in: dir)
    }

    /// docs/your-data.md's `era init my-data` in `dir`: the data file it shows equals the one era init
    /// writes, and the pipeline it writes passes `--check` from another folder. Returns that pipeline
    /// and that folder.
    static func followThePagesEraInit(in dir: TemporaryDirectory) throws -> (pipeline: String, elsewhere: URL) {
        let data = dir.url.appendingPathComponent("my-data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try YourDataWalkthroughTests.writeFixture(to: data, index: .staticModel)
        let page = try YourDataWalkthroughTests.page()
        #expect(page.contains("era init my-data"))
        let initialised = try EraProcess.run(["init", "my-data"], in: dir.url)
        try #require(initialised.status == 0, "era init failed:\n\(initialised.stderr)")
        let written = try String(contentsOf: data.appendingPathComponent("era-data.yaml"), encoding: .utf8)
        let shown = YourDataWalkthroughTests.block(in: page, language: "yaml", startingWith: "# Written by era init.")
        #expect(shown == written, "docs/your-data.md shows another era-data.yaml than era init writes:\n\(written)")

        let elsewhere = dir.url.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let pipeline = data.appendingPathComponent("era-pipeline.yaml").path
        let check = try EraProcess.run(["run", pipeline, "--check"], in: elsewhere)
        #expect(check.status == 0, "era run --check failed:\n\(check.stderr)")
        return (pipeline, elsewhere)
    }
}
