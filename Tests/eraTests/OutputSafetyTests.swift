import EmbeddingIO
import Foundation
import Testing

/// Issue 11, item 2, end to end: no command's output destroys one of its inputs, another output, a
/// special file, or a file era did not write (without --force).
@Suite struct OutputSafetyTests {
    typealias Align = AlignCommandTests.Fixture

    /// Runs era, expects one clear refusal mentioning `words`, and that `protected` kept its bytes.
    func expectRefusal(
        _ args: [String], mentioning words: [String], protecting protected: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let before = protected.map { FileManager.default.contents(atPath: $0) }
        let out = try EraProcess.run(args)
        #expect(
            out.status != 0 && out.status < 128, "status \(out.status): \(out.stderr)", sourceLocation: sourceLocation)
        #expect(
            out.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }.count == 1, "\(out.stderr)",
            sourceLocation: sourceLocation)
        for word in words {
            #expect(out.stderr.contains(word), "\(word) in \(out.stderr)", sourceLocation: sourceLocation)
        }
        for (path, bytes) in zip(protected, before) {
            #expect(
                FileManager.default.contents(atPath: path) == bytes, "\(path) changed", sourceLocation: sourceLocation)
        }
    }

    @Test func alignLogOntoTheTargetIsRefused() throws {
        let f = try Align(); defer { f.dir.cleanUp() }
        try expectRefusal(
            f.arguments(extra: ["--log", f.dir.path("target.npy")]), mentioning: ["--log", "--target"],
            protecting: [f.dir.path("target.npy")])
    }

    @Test func alignOutAndLogOnTheSamePathAreRefused() throws {
        let f = try Align(); defer { f.dir.cleanUp() }
        let path = f.dir.path("x")
        try expectRefusal(
            f.arguments(out: path, extra: ["--log", path]), mentioning: ["--out", "--log"], protecting: [])
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test(arguments: ["source.npy", "source_ids.txt", "target_ids.txt"])
    func alignOutOntoAnInputIsRefused(input: String) throws {
        let f = try Align(); defer { f.dir.cleanUp() }
        try expectRefusal(
            f.arguments(out: f.dir.path(input)), mentioning: ["--out", input], protecting: [f.dir.path(input)])
    }

    @Test func adaptOutOntoTheCorpusIsRefused() throws {
        let f = try AdaptCommandTests.Fixture(); defer { f.dir.cleanUp() }
        try expectRefusal(
            f.arguments(out: f.dir.path("corpus.npy")), mentioning: ["--out", "--corpus"],
            protecting: [f.dir.path("corpus.npy")])
    }

    @Test func applyOutOntoItsAdapterIsRefused() throws {
        let f = try AdaptCommandTests.Fixture(); defer { f.dir.cleanUp() }
        try expectRefusal(
            [
                "apply", "--adapter", f.dir.path("stage1.safetensors"), "--in", f.dir.path("queries.npy"),
                "--out", f.dir.path("stage1.safetensors"), "--force",
            ],
            mentioning: ["--out", "--adapter"], protecting: [f.dir.path("stage1.safetensors")])
    }

    @Test func exportOutOntoItsAdapterIsRefused() throws {
        let f = try AdaptCommandTests.Fixture(); defer { f.dir.cleanUp() }
        try expectRefusal(
            ["export", "--adapter", f.dir.path("stage1.safetensors"), "--out", f.dir.path("stage1.safetensors")],
            mentioning: ["--out", "--adapter"], protecting: [f.dir.path("stage1.safetensors")])
    }

    @Test func specialFilesAreNeverReplaced() throws {
        let f = try Align(); defer { f.dir.cleanUp() }
        let fifo = f.dir.path("fifo")
        #expect(mkfifo(fifo, 0o644) == 0)
        try expectRefusal(f.arguments(out: fifo, extra: ["--force"]), mentioning: ["--out", "FIFO"], protecting: [])
        try expectRefusal(
            f.arguments(extra: ["--log", fifo, "--force"]), mentioning: ["--log", "FIFO"], protecting: [])
        try expectRefusal(
            f.arguments(extra: ["--log", "/dev/null", "--force"]), mentioning: ["/dev/null"], protecting: [])
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
        #expect(lstat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR, "/dev/null was replaced")
        #expect(f.wroteNothing)
    }

    @Test func eraReplacesItsOwnOutputsButAFileOfTheUsersOnlyWithForce() throws {
        let f = try Align(); defer { f.dir.cleanUp() }
        let first = try EraProcess.run(f.arguments(extra: ["--quiet"]))
        #expect(first.status == 0, "\(first.stderr)")
        // era's own adapter and log are recognised and replaced.
        let second = try EraProcess.run(f.arguments(extra: ["--quiet"]))
        #expect(second.status == 0, "\(second.stderr)")
        // Someone else's file is not, unless --force.
        try f.dir.write("not an adapter\n", to: "notes.safetensors")
        try expectRefusal(
            f.arguments(out: f.dir.path("notes.safetensors")), mentioning: ["--out", "--force"],
            protecting: [f.dir.path("notes.safetensors")])
        let forced = try EraProcess.run(
            f.arguments(out: f.dir.path("notes.safetensors"), extra: ["--quiet", "--force"]))
        #expect(forced.status == 0, "\(forced.stderr)")
    }

    @Test func aReadOnlyOutputIsReplacedOnlyWithForce() throws {
        let f = try Align(); defer { f.dir.cleanUp() }
        #expect(try EraProcess.run(f.arguments(extra: ["--quiet"])).status == 0)
        let adapter = f.dir.path("adapter.safetensors")
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: adapter)
        try expectRefusal(f.arguments(), mentioning: ["read-only", "--force"], protecting: [adapter])
        let forced = try EraProcess.run(f.arguments(extra: ["--quiet", "--force"]))
        #expect(forced.status == 0, "\(forced.stderr)")
    }
}
