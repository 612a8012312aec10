import Foundation
import Testing

@testable import Pipeline

/// Issue 11, item 1: `output:` may be a folder of the user's; era must never move aside, delete or
/// replace anything there it cannot prove it wrote.
@Suite("Run directory safety")
struct RunDirectorySafetyTests {
    /// A pipeline whose run directory is `project/` of the fixture, with one stage named `name`.
    static func setUp(stageName: String) throws -> PipelineFixture {
        let fixture = try PipelineFixture()
        try fixture.write(
            "demo.yaml",
            pipeline(
                stages: """
                    output: project
                    stages:
                      - name: \(stageName)
                        kind: evaluate
                        after: []
                        options: {maps: []}
                    """))
        return fixture
    }

    static func run(_ fixture: PipelineFixture, force: Bool = false) throws -> RunSummary {
        let config = try fixture.load("demo.yaml")
        let runner = PipelineRunner(
            config: config, registry: FakeStage.registry(InvocationLog()),
            currentDirectory: fixture.root.path)
        return try runner.run(force: force)
    }

    @Test func aUserFolderNamedLikeAStageIsNeverReplaced() throws {
        let fixture = try Self.setUp(stageName: "data")
        defer { fixture.remove() }
        try fixture.write("project/data/labels.tsv", "q1\td1\t1\n")
        let error = #expect(throws: PipelineRunError.self) { try Self.run(fixture) }
        let message = error?.message ?? ""
        #expect(message.contains(fixture.url("project/data").path), "\(message)")
        #expect(message.contains("not written by era"), "\(message)")
        let kept = try String(contentsOf: fixture.url("project/data/labels.tsv"), encoding: .utf8)
        #expect(kept == "q1\td1\t1\n")
        let names = try FileManager.default.contentsOfDirectory(atPath: fixture.url("project").path)
        #expect(!names.contains { $0.hasPrefix(".replaced-") || $0.hasPrefix(".staging-") }, "\(names)")
        // Not even the run's lock file stays in the user's folder.
        #expect(Set(names) == ["data"], "\(names)")
    }

    @Test func aUserFileNamedLikeAStageIsNeverReplaced() throws {
        let fixture = try Self.setUp(stageName: "notes")
        defer { fixture.remove() }
        try fixture.write("project/notes", "mine\n")
        #expect(throws: PipelineRunError.self) { try Self.run(fixture) }
        #expect(try String(contentsOf: fixture.url("project/notes"), encoding: .utf8) == "mine\n")
    }

    @Test func aStageFolderEraWroteIsReplacedOnRerun() throws {
        let fixture = try Self.setUp(stageName: "data")
        defer { fixture.remove() }
        _ = try Self.run(fixture)
        let marker = fixture.url("project/data/\(RunDirectory.stageMarkerName)")
        #expect(FileManager.default.fileExists(atPath: marker.path))
        let summary = try Self.run(fixture, force: true)
        #expect(summary.ran == ["data"])
        #expect(FileManager.default.fileExists(atPath: marker.path))
    }

    @Test func aStageFolderFromBeforeMarkersIsRecognisedByItsRecord() throws {
        let fixture = try Self.setUp(stageName: "baselines")
        defer { fixture.remove() }
        _ = try Self.run(fixture)
        try FileManager.default.removeItem(at: fixture.url("project/baselines/\(RunDirectory.stageMarkerName)"))
        let summary = try Self.run(fixture, force: true)
        #expect(summary.ran == ["baselines"])
    }

    @Test func aFolderWithSomeoneElsesStageRecordIsNotEnough() throws {
        let fixture = try Self.setUp(stageName: "baselines")
        defer { fixture.remove() }
        // A stage.json that does not describe this stage proves nothing.
        try fixture.write("project/baselines/stage.json", "{\"name\": \"other\"}")
        #expect(throws: PipelineRunError.self) { try Self.run(fixture) }
        #expect(FileManager.default.fileExists(atPath: fixture.url("project/baselines/stage.json").path))
    }

    @Test func aUserFileNamedLikeAFailedLogIsKept() throws {
        let fixture = try Self.setUp(stageName: "baselines")
        defer { fixture.remove() }
        try fixture.write("project/baselines.failed.log", "mine\n")
        _ = try Self.run(fixture)
        #expect(try String(contentsOf: fixture.url("project/baselines.failed.log"), encoding: .utf8) == "mine\n")
    }

    @Test func aUserFileNamedLikeARunFileStopsTheRun() throws {
        let fixture = try Self.setUp(stageName: "baselines")
        defer { fixture.remove() }
        try fixture.write("project/report.md", "# my notes\n")
        let error = #expect(throws: PipelineRunError.self) { try Self.run(fixture) }
        #expect(error?.message.contains("report.md") == true, "\(String(describing: error))")
        #expect(try String(contentsOf: fixture.url("project/report.md"), encoding: .utf8) == "# my notes\n")
    }

    @Test func aRunDirectoryEraMadeKeepsBeingRewritten() throws {
        let fixture = try Self.setUp(stageName: "baselines")
        defer { fixture.remove() }
        _ = try Self.run(fixture)
        // A run made before the marker existed is recognised by its manifest.
        try FileManager.default.removeItem(at: fixture.url("project/\(RunDirectory.runMarkerName)"))
        let summary = try Self.run(fixture, force: true)
        #expect(summary.ran == ["baselines"])
        #expect(FileManager.default.fileExists(atPath: fixture.url("project/\(RunDirectory.runMarkerName)").path))
    }

    @Test(arguments: [
        "config.resolved.yaml", "manifest.json", "metrics.json", "report.md", "report.html",
        "align.failed.log", "budget-sweep-all.svg",
    ])
    func stageNamesThatAreRunFilesAreRefusedByCheck(name: String) throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        let text = pipeline(
            stages: """
                stages:
                  - kind: align
                  - name: \(name)
                    kind: evaluate
                """)
        try fixture.write("demo.yaml", text)
        let problem = try #require(fixture.problems("demo.yaml").at("stages[1].name"))
        let at = position(of: name, in: text, after: "- name:")
        #expect(problem.location.line == at.line && problem.location.column == at.column, "\(problem)")
        #expect(problem.message.contains("run directory"), "\(problem)")
    }

    @Test func ordinaryStageNamesWithDotsStillPass() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        try fixture.write(
            "demo.yaml",
            pipeline(
                stages: """
                    stages:
                      - kind: align
                      - name: eval.v2
                        kind: evaluate
                    """))
        #expect(fixture.problems("demo.yaml").isEmpty)
    }
}

/// Issue 11 item 8: a runs path that is a file printed an NSError dump.
@Suite struct RunDirectoryPathTests {
    @Test func aRunPathThatIsAFileGivesOneClearLine() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("era-runpath-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("runs")
        try Data("not a folder".utf8).write(to: file)
        for url in [file, file.appendingPathComponent("pipeline")] {
            do {
                _ = try RunDirectory(url: url)
                Issue.record("\(url.path) was accepted as a run directory")
            } catch let error as PipelineRunError {
                #expect(error.message.contains("\(file.path) is a file, not a folder"), "\(error.message)")
                #expect(!error.message.contains("NSCocoaErrorDomain") && !error.message.contains("\n"))
            }
        }
    }
}
