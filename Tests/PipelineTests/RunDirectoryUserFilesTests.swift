import Foundation
import Testing

@testable import Pipeline

/// A user's files in and around a run directory (found by trying to break `era run`): names like
/// era's leftovers in a folder that was not era's, a run refused after it had marked the folder as
/// era's, and notes put inside a stage folder.
@Suite("Run directory: the user's files")
struct RunDirectoryUserFilesTests {
    typealias Safety = RunDirectorySafetyTests

    /// A first run into a user's folder removes nothing, however its files are named. (Writing a
    /// run file still removes that very file's stale temporaries, `.metrics.json.tmp-<dead pid>-*`:
    /// names only an interrupted write of era's makes.)
    @Test func aFolderThatWasNotErasKeepsFilesNamedLikeLeftovers() throws {
        let fixture = try Safety.setUp(stageName: "baselines")
        defer { fixture.remove() }
        let mine = [
            "project/.notes.tmp-1", "project/.staging-plan.txt", "project/.replaced-old/a.txt",
            "project/.metrics.tmp-1", "project/.staging-baselines-12345678/kept.txt",
        ]
        for path in mine { try fixture.write(path, "mine\n") }
        _ = try Safety.run(fixture)
        for path in mine {
            #expect(try String(contentsOf: fixture.url(path), encoding: .utf8) == "mine\n", "\(path)")
        }
    }

    /// In era's own directory, what a killed run left is removed, and only that: a staging folder
    /// with era's marker goes, one without it (a user's) stays.
    @Test func eraRemovesItsOwnLeftoversOnly() throws {
        let fixture = try Safety.setUp(stageName: "baselines")
        defer { fixture.remove() }
        _ = try Safety.run(fixture)
        let marker = RunDirectory.stageMarkerName
        try fixture.write("project/.staging-baselines-0badc0de/\(marker)", "era stage folder baselines\n")
        try fixture.write("project/.staging-baselines-0badc0de/partial.tsv", "x\n")
        try fixture.write("project/.replaced-notes-12345678/notes.txt", "mine\n")
        _ = try Safety.run(fixture, force: true)
        #expect(!FileManager.default.fileExists(atPath: fixture.url("project/.staging-baselines-0badc0de").path))
        #expect(
            try String(contentsOf: fixture.url("project/.replaced-notes-12345678/notes.txt"), encoding: .utf8)
                == "mine\n")
    }

    /// A run refused because a stage's folder is the user's writes nothing first: no marker, no
    /// manifest, no resolved config. (It used to mark the folder as era's, and a later run then
    /// replaced the user's report.md and metrics.json without a word.)
    @Test func aRefusedRunLeavesNoTrace() throws {
        let fixture = try Safety.setUp(stageName: "data")
        defer { fixture.remove() }
        try fixture.write("project/data/labels.tsv", "q1\td1\t1\n")
        try fixture.write("project/report.md", "# my notes\n")
        #expect(throws: PipelineRunError.self) { try Safety.run(fixture) }
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: fixture.url("project").path))
        #expect(names == ["data", "report.md"], "\(names.sorted())")
    }

    /// A file the user put in a stage folder stops that stage from running again (it would go with
    /// the old folder), names the file, and keeps it; moved away, the stage runs.
    @Test func aFileInAStageFolderStopsThatStageFromRunningAgain() throws {
        let fixture = try Safety.setUp(stageName: "baselines")
        defer { fixture.remove() }
        _ = try Safety.run(fixture)
        let listing = try String(
            contentsOf: fixture.url("project/baselines/\(RunDirectory.stageMarkerName)"), encoding: .utf8)
        #expect(listing.hasPrefix("era stage folder baselines\nfiles:\n") && listing.contains("stage.json\n"))
        try fixture.write("project/baselines/mynotes.txt", "mine\n")
        let error = #expect(throws: PipelineRunError.self) { try Safety.run(fixture, force: true) }
        let message = error?.message ?? ""
        #expect(message.contains(fixture.url("project/baselines/mynotes.txt").path), "\(message)")
        #expect(message.contains("not written by era") && message.contains("move it out"), "\(message)")
        #expect(try String(contentsOf: fixture.url("project/baselines/mynotes.txt"), encoding: .utf8) == "mine\n")
        // Skipped (up to date), the stage leaves the file alone.
        #expect(try Safety.run(fixture).skipped == ["baselines"])
        try FileManager.default.removeItem(at: fixture.url("project/baselines/mynotes.txt"))
        #expect(try Safety.run(fixture, force: true).ran == ["baselines"])
    }

    /// A folder committed before markers listed their files: its record's artifacts and era's own
    /// files are era's, anything else the user's.
    @Test func aStageFolderWithoutAListingIsReadFromItsRecord() throws {
        let fixture = try Safety.setUp(stageName: "baselines")
        defer { fixture.remove() }
        _ = try Safety.run(fixture)
        try fixture.write("project/baselines/\(RunDirectory.stageMarkerName)", "era stage folder baselines\n")
        #expect(try Safety.run(fixture, force: true).ran == ["baselines"])
        try fixture.write("project/baselines/\(RunDirectory.stageMarkerName)", "era stage folder baselines\n")
        try fixture.write("project/baselines/mynotes.txt", "mine\n")
        #expect(throws: PipelineRunError.self) { try Safety.run(fixture, force: true) }
    }
}

/// `output:` the filesystem root or an empty path: refused where it is written, before anything runs.
@Suite struct RunFolderPathTests {
    @Test(arguments: ["\"/\"", "/tmp/..", "\"\""])
    func theRootAndAnEmptyPathAreRefused(written: String) throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        let text = "output: \(written)\n" + pipeline(stages: "stages:\n  - kind: align\n")
        try fixture.write("demo.yaml", text)
        let problem = try #require(fixture.problems("demo.yaml").at("output"), "\(fixture.problems("demo.yaml"))")
        #expect(problem.location.line == 1 && problem.location.column == 9, "\(problem)")
        #expect(
            problem.message.contains(written == "\"\"" ? "empty path" : "filesystem root"), "\(problem.message)")
    }
}
