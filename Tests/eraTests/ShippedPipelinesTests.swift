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
                  let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
            if text.contains("shared/data") { return true }
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
        // The three uses and the quickstart; a rename must update this list (and the docs).
        for name in ["quickstart.yaml", "strong-query-model.yaml", "model-upgrade.yaml", "era-paper.yaml"] {
            #expect(Self.pipelines.contains(name), "Pipelines/\(name) is missing")
        }
        #expect(!Self.referencesSharedData("quickstart.yaml"), "the quickstart must run on a fresh machine")
        #expect(Self.referencesSharedData("strong-query-model.yaml"))
    }

    @Test func pipelinesOnRepositoryDataPassCheck() throws {
        let local = Self.pipelines.filter { !Self.referencesSharedData($0) }
        #expect(!local.isEmpty)
        for name in local { try Self.check(name) }
    }

    @Test(.enabled(if: sharedDataPresent,
                   "../shared/data/scifact not found: the pipelines that read it are not checked"))
    func pipelinesOnSharedDataPassCheck() throws {
        let shared = Self.pipelines.filter(Self.referencesSharedData)
        #expect(shared.count >= 3)
        for name in shared { try Self.check(name) }
    }
}
