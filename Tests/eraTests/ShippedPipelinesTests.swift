import Foundation
import Testing
import _TestSupport

/// Every pipeline shipped in `Pipelines/` passes `era run --check` (validation: keys, types,
/// files, dims, stage references) as a user would run it from the package root.
@Suite struct ShippedPipelinesTests {
    static let root = SharedData.packageRoot

    /// `Pipelines/*.yaml`, by file name.
    static let pipelines: [String] = {
        let folder = root.appendingPathComponent("Pipelines").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }()

    /// Whether a pipeline, or a file it includes or extends (followed recursively), names a path
    /// under `../shared` (the data outside the repository).
    static func referencesSharedData(_ name: String) -> Bool {
        var pending = [root.appendingPathComponent("Pipelines").appendingPathComponent(name)]
        var seen = Set<String>()
        while let file = pending.popLast() {
            guard seen.insert(file.standardized.path).inserted,
                let text = try? String(contentsOf: file, encoding: .utf8)
            else { continue }
            let code = text.split(separator: "\n").map {
                $0.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            }
            if code.contains(where: { $0.contains("shared/data") }) { return true }
            for line in text.split(separator: "\n") {
                // `- path.yaml` (an include list item) or `include:`/`extends: path.yaml`.
                let value = line.split(separator: "#", maxSplits: 1).first.map(String.init) ?? ""
                guard let start = value.lastIndex(where: { $0 == " " || $0 == "-" }) else { continue }
                let path = value[value.index(after: start)...].trimmingCharacters(in: .whitespaces)
                if path.hasSuffix(".yaml") {
                    pending.append(file.deletingLastPathComponent().appendingPathComponent(path))
                }
            }
        }
        return false
    }

    /// `../shared/data/scifact` next to the package, where the shipped pipelines look for it.
    static let sharedDataPresent = FileManager.default.fileExists(
        atPath: root.deletingLastPathComponent().appendingPathComponent("shared/data/scifact/corpus_ids.txt").path)

    static func check(_ name: String) throws {
        let result = try EraProcess.run(["run", "Pipelines/\(name)", "--check"], in: root)
        #expect(result.status == 0, "era run Pipelines/\(name) --check failed:\n\(result.stderr)")
        #expect(result.stdout.contains("Pipelines/\(name): valid"), "unexpected output: \(result.stdout)")
    }

    @Test func theShippedPipelinesAreFound() {
        // The three uses, the quickstart and the second example; a rename must update this list (and the docs).
        for name in [
            "quickstart.yaml", "minilm.yaml", "strong-query-model.yaml", "model-upgrade.yaml", "era-paper.yaml",
        ] {
            #expect(Self.pipelines.contains(name), "Pipelines/\(name) is missing")
        }
        // Every shipped pipeline runs on a fresh clone: the full data is one include away, in a comment.
        for name in Self.pipelines {
            #expect(!Self.referencesSharedData(name), "Pipelines/\(name) needs ../shared")
        }
    }

    @Test func pipelinesOnRepositoryDataPassCheck() throws {
        #expect(Self.pipelines.count >= 5)
        for name in Self.pipelines { try Self.check(name) }
    }

    /// The full-data configuration the pipelines' comments point at still validates.
    @Test(
        .enabled(
            if: sharedDataPresent,
            "../shared/data/scifact not found: the full-data configuration is not checked"))
    func theFullDataConfigurationPassesCheck() throws {
        let dir = try TemporaryDirectory()
        let text = try String(
            contentsOf: Self.root.appendingPathComponent("Pipelines/strong-query-model.yaml"), encoding: .utf8
        )
        .replacingOccurrences(of: "../configs/", with: Self.root.appendingPathComponent("configs").path + "/")
        .replacingOccurrences(of: "scifact-quickstart.yaml", with: "scifact-shared.yaml")
        let file = dir.url.appendingPathComponent("full.yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let result = try EraProcess.run(["run", file.path, "--check"], in: Self.root)
        #expect(result.status == 0, "the full-data pipeline failed --check:\n\(result.stderr)")
    }

    /// The upgrade example on the full data (`scifact-shared-e5.yaml`, named in its comment) validates too.
    @Test(
        .enabled(
            if: sharedDataPresent,
            "../shared/data/scifact not found: the full-data configuration is not checked"))
    func theFullDataUpgradeConfigurationPassesCheck() throws {
        let dir = try TemporaryDirectory()
        let text = try String(
            contentsOf: Self.root.appendingPathComponent("Pipelines/model-upgrade.yaml"), encoding: .utf8
        )
        .replacingOccurrences(of: "../configs/", with: Self.root.appendingPathComponent("configs").path + "/")
        .replacingOccurrences(of: "scifact-quickstart-e5.yaml", with: "scifact-shared-e5.yaml")
        let file = dir.url.appendingPathComponent("full-upgrade.yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let result = try EraProcess.run(["run", file.path, "--check"], in: Self.root)
        #expect(result.status == 0, "the full-data upgrade pipeline failed --check:\n\(result.stderr)")
        #expect(result.stdout.contains("e5small.corpus.npy") && result.stdout.contains("the index model is retired"))
    }
}
