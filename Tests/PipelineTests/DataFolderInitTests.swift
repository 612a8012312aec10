import EmbeddingIO
import Foundation
import Testing
import _TestSupport

@testable import Pipeline

/// `era init`'s library half: which file is which, from shapes, ids, qrels and names; the files it
/// writes; and what it refuses to replace.
@Suite("era init: data folder survey and files")
struct DataFolderInitTests {
    static let quickstart = SharedData.packageRoot.appendingPathComponent("Pipelines/quickstart")
    static var hasQuickstart: Bool {
        FileManager.default.fileExists(atPath: quickstart.appendingPathComponent("index.static.npy").path)
    }

    /// A temporary folder named `quickstart` holding copies of the quickstart's data files.
    static func quickstartCopy() throws -> (root: URL, folder: URL) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("era-init-\(UUID().uuidString)")
        let folder = root.appendingPathComponent("quickstart")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: quickstart.path) {
            try FileManager.default.copyItem(
                at: quickstart.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        return (root, folder)
    }

    /// Every stage's fingerprint: era's version, seed, models, name, kind, resolved options and the
    /// content of every input file; what a stage computes depends on nothing else.
    static func fingerprints(_ config: PipelineConfig) throws -> [String] {
        var hashes: [String: String] = [:]
        for (_, file) in config.data.files { hashes[file.path] = try SHA256.hex(fileAt: file.path) }
        return try config.stages.map {
            try StageFingerprint.compute(
                stage: $0, config: config, eraVersion: "test", inputHashes: hashes, dependencyFingerprints: [:])
        }
    }

    @Test(.enabled(if: hasQuickstart, "the quickstart data is not in this checkout"))
    func onTheQuickstartFilesItWritesTheQuickstartPipeline() throws {
        let (root, folder) = try Self.quickstartCopy()
        defer { try? FileManager.default.removeItem(at: root) }
        let written = try DataFolderInit.run(folder: folder, force: false)
        #expect(written.plan.queryModel == .init(token: "mpnet", dim: 768))
        #expect(written.plan.indexModel == .init(token: "static", dim: 256))
        // What it cannot tell (which of two indexes, the model names) is a TODO in the file.
        let dataText = try String(contentsOf: written.data, encoding: .utf8)
        #expect(dataText.hasPrefix(DataFolderInit.marker) && dataText.contains("# TODO: several models have document"))

        // Loaded from another working directory: the paths are the file's own.
        var initialised = try PipelineConfig.load(path: written.pipeline.path, currentDirectory: root.path)
        let shipped = try PipelineConfig.load(
            path: SharedData.packageRoot.appendingPathComponent("Pipelines/quickstart.yaml").path)
        #expect(initialised.stages.map(\.name) == shipped.stages.map(\.name))
        #expect(initialised.stages.map(\.options) == shipped.stages.map(\.options))
        #expect(initialised.seed == shipped.seed)
        #expect(initialised.models.query.dim == 768 && initialised.models.index.dim == 256)
        let keys = { (c: PipelineConfig) in
            c.data.files.map { "\($0.keyPath)=\(($0.file.path as NSString).lastPathComponent)" }
        }
        #expect(keys(initialised) == keys(shipped))
        // With the model names filled in (the one TODO a person settles), every stage has the
        // quickstart's fingerprint: the same inputs, options and seeds, so the same figures.
        initialised.models.query.name = shipped.models.query.name
        initialised.models.index.name = shipped.models.index.name
        #expect(try Self.fingerprints(initialised) == Self.fingerprints(shipped))
    }

    @Test func itNeverReplacesAFileItDidNotWriteAndOnlyItsOwnWithForce() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        let folder = fixture.root.appendingPathComponent("data")
        let first = try DataFolderInit.run(folder: folder, force: false)
        let before = try String(contentsOf: first.pipeline, encoding: .utf8)
        #expect(throws: InitError.self) { try DataFolderInit.run(folder: folder, force: false) }
        _ = try DataFolderInit.run(folder: folder, force: true)
        #expect(try String(contentsOf: first.pipeline, encoding: .utf8) == before)
        // A file of the user's under that name stays, even with --force.
        try Data("name: mine\n".utf8).write(to: first.data)
        let error = try #require(throws: InitError.self) { try DataFolderInit.run(folder: folder, force: true) }
        #expect(error.description.contains("not written by era init"))
        #expect(try String(contentsOf: first.data, encoding: .utf8) == "name: mine\n")
    }

    @Test func whatItCannotTellIsATodoAndCheckSaysWhatIsMissing() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        let folder = fixture.root.appendingPathComponent("data")
        // Qrels whose names say nothing, and no alignment texts.
        for (from, to) in [("qrels.train.tsv", "a.tsv"), ("qrels.test.tsv", "b.tsv")] {
            try FileManager.default.moveItem(
                at: folder.appendingPathComponent(from), to: folder.appendingPathComponent(to))
        }
        for name in ["align.q.npy", "align.d.npy", "align_ids.txt", "corpus.q.npy"] {
            try FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
        let written = try DataFolderInit.run(folder: folder, force: false)
        let plan = written.plan
        #expect(plan.queryModel?.dim == 6 && plan.indexModel?.dim == 4)
        #expect(plan.queries?.file == "queries.q.npy" && plan.indexQueries?.file == "queries.d.npy")
        #expect(plan.index?.file == "corpus.d.npy" && plan.indexIds?.file == "corpus_ids.txt")
        #expect(plan.labeled == nil && plan.evaluation == nil && plan.alignQuery == nil)
        #expect(plan.todos.contains { $0.contains("set data.qrels.labeled and data.qrels.evaluation") })
        #expect(plan.todos.contains { $0.contains("no texts embedded by both models") })
        let text = try String(contentsOf: written.data, encoding: .utf8)
        #expect(text.contains("# alignment:  # TODO") && text.contains("# labeled:  # TODO"))
        // The pipeline is still read; what is missing is named by the configuration check.
        let error = try #require(throws: ConfigError.self) {
            try PipelineConfig.load(path: written.pipeline.path, currentDirectory: fixture.root.path)
        }
        #expect(error.description.contains("alignment") || error.description.contains("qrels"), "\(error)")
    }

    /// Two models with document embeddings of the same size: the TODO says how one was taken (by
    /// name), not "the smallest".
    @Test func twoIndexModelsOfOneSizeAreTakenByName() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        let folder = fixture.root.appendingPathComponent("data")
        let documents = try Npy.read(folder.appendingPathComponent("corpus.d.npy"))
        try Npy.write(documents, to: folder.appendingPathComponent("corpus.e.npy"))
        let plan = try DataFolderInit.run(folder: folder, force: false).plan
        let todo = try #require(plan.todos.first { $0.contains("several models have document embeddings") })
        #expect(
            todo.contains("d was taken as the index model (the smallest, and the first by name of those of its size)"),
            "\(todo)")
    }

    /// A FIFO among the files would block a read for ever: it is named and left alone.
    @Test func aFifoInTheFolderIsNotRead() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        let folder = fixture.root.appendingPathComponent("data")
        try #require(mkfifo(folder.appendingPathComponent("pipe.txt").path, 0o600) == 0)
        let written = try DataFolderInit.run(folder: folder, force: false)
        let text = try String(contentsOf: written.data, encoding: .utf8)
        #expect(text.contains("# not used: pipe.txt: not a regular file"), "\(text)")
        #expect(written.plan.queries?.file == "queries.q.npy")
    }

    /// A file name with a newline ended a comment of era-data.yaml and put the rest of the name in
    /// the YAML (then `era run --check` said "unknown key"); and a quoted path with one lost it.
    @Test func fileNamesWithNewlinesStayInTheirCommentsAndPaths() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        let folder = fixture.root.appendingPathComponent("data")
        try Data("not a table".utf8).write(to: folder.appendingPathComponent("weird name \nstages: [].npy"))
        try FileManager.default.moveItem(
            at: folder.appendingPathComponent("corpus.d.npy"), to: folder.appendingPathComponent("corpus\n.d.npy"))
        let written = try DataFolderInit.run(folder: folder, force: false)
        let text = try String(contentsOf: written.data, encoding: .utf8)
        #expect(text.contains("weird name \\nstages: [].npy"), "\(text)")
        #expect(!text.contains("\nstages: []"), "\(text)")
        let config = try PipelineConfig.load(path: written.pipeline.path, currentDirectory: fixture.root.path)
        #expect(config.data.index?.embeddings?.path.hasSuffix("corpus\n.d.npy") == true)
    }

    @Test func aFolderWithoutTablesIsRefused() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        let empty = fixture.root.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let error = try #require(throws: InitError.self) { try DataFolderInit.run(folder: empty, force: false) }
        #expect(error.description.contains("no .npy file"))
        #expect(!FileManager.default.fileExists(atPath: empty.appendingPathComponent(DataFolderInit.dataFile).path))
    }
}
