import EmbeddingIO
import Foundation
import Testing
import Workflows

@testable import Pipeline

/// Issue 21, "each input read once": the checks at load, the manifest's hashes and every stage
/// take the data files through one `InputFiles`, so a run opens and reads each file once.
@Suite("Each input file read once a run")
struct InputReadsTests {
    @Test func checksHashesAndStagesShareOneReadOfEachFile() throws {
        let planted = try PlantedData()
        defer { planted.fixture.remove() }
        try planted.fixture.write("all.yaml", pipeline(stages: RealStagesTests.allStages))
        let files = InputFiles()
        // Counted where the readers open files, so an open that bypasses `InputFiles` counts too.
        let opens = FileOpenLog()
        let (config, afterLoad, summary) = try FileOpenLog.$current.withValue(opens) {
            let config = try PipelineConfig.load(
                path: "all.yaml", currentDirectory: planted.fixture.root.path, files: files)
            let afterLoad = files.reads
            let summary = try PipelineRunner(
                config: config, registry: .builtIn, currentDirectory: planted.fixture.root.path, files: files
            ).run()
            return (config, afterLoad, summary)
        }
        let dataFiles = Set(config.data.files.map(\.file.path))
        #expect(dataFiles.count == 11)
        // The checks read every data file (headers, ids, the qrels' first bytes): once each.
        #expect(Set(afterLoad.keys) == dataFiles, "\(afterLoad)")
        #expect(afterLoad.values.allSatisfy { $0 == 1 }, "\(afterLoad)")
        #expect(summary.ran == ["align", "adapt", "evaluate", "sweep", "export"])
        let openedInputs = opens.counts.filter { dataFiles.contains($0.key) }
        #expect(openedInputs == Dictionary(uniqueKeysWithValues: dataFiles.map { ($0, 1) }), "\(opens.paths)")
        // Hashing and five stages later, still one read of each.
        #expect(summary.inputReads == afterLoad, "\(summary.inputReads)")
        // The hashes in the manifest are those of the files' content.
        let manifest = try JSONDecoder().decode(
            RunManifest.self, from: Data(contentsOf: summary.runDirectory.appendingPathComponent("manifest.json")))
        for input in manifest.inputs.values {
            #expect(input.sha256 == (try SHA256.hex(fileAt: input.path)), "\(input.path)")
        }
    }

    /// `era run --check`: the checks at load and the inspection share the reads too.
    @Test func checkOpensEachInputOnce() throws {
        let planted = try PlantedData()
        let fixture = planted.fixture
        defer { fixture.remove() }
        try fixture.write("all.yaml", pipeline(stages: RealStagesTests.allStages))
        let opens = FileOpenLog()
        let config = try FileOpenLog.$current.withValue(opens) {
            let files = InputFiles()
            let config = try PipelineConfig.load(path: "all.yaml", currentDirectory: fixture.root.path, files: files)
            _ = try PipelineInspection.inspect(config, files: files)
            return config
        }
        let dataFiles = Set(config.data.files.map(\.file.path))
        #expect(dataFiles.count == 11)
        #expect(opens.counts == Dictionary(uniqueKeysWithValues: dataFiles.map { ($0, 1) }), "\(opens.paths)")
    }

    @Test func twoPathsToOneFileAreReadOnce() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        let ids = fixture.url("data/query_ids.txt").path
        let link = fixture.url("data/same_ids.txt").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: ids)
        let files = InputFiles()
        #expect(try files.ids(ids) == (try files.ids(link)))
        #expect(files.reads == [ids: 1], "\(files.reads)")
    }

    @Test func aReplacedFileIsReadAgain() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        let ids = fixture.url("data/query_ids.txt")
        let files = InputFiles()
        #expect(try files.ids(ids.path).count == 5)
        // Replaced by rename, as editors and era's own writers do: another file at the same path.
        try IdList.write(["x", "y"], to: ids)
        #expect(try files.content(ids.path).textLines() == ["x", "y"])
        #expect(files.reads == [ids.path: 2])
    }
}
