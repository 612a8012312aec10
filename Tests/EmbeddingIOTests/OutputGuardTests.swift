import Foundation
import Testing
import _TestSupport

@testable import EmbeddingIO

/// Issue 11, item 2: an output never destroys an input, another output, a special file, or a file
/// era did not write (unless --force).
@Suite("Output guard")
struct OutputGuardTests {
    typealias Input = OutputGuard.Input
    typealias Output = OutputGuard.Output

    static func refusal(_ outputGuard: OutputGuard, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        do {
            try outputGuard.check()
            Issue.record("the output guard accepted \(outputGuard.outputs.map(\.path))", sourceLocation: sourceLocation)
            return ""
        } catch let error as EmbeddingIOError {
            #expect(error.kind == .unsafeOutput, "\(error)", sourceLocation: sourceLocation)
            return error.description
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
            return ""
        }
    }

    static func eraAdapter(_ directory: TemporaryDirectory, _ name: String) throws -> URL {
        let file = SafetensorsFile(tensors: ["bias": .init(vector: [1, 2])], metadata: ["format": "era-adapter"])
        try file.write(to: directory.file(name))
        return directory.file(name)
    }

    @Test func anOutputThatIsAnInputIsRefused() throws {
        let directory = try TemporaryDirectory()
        let target = try directory.write("index.npy", text: "index")
        let message = Self.refusal(
            OutputGuard(
                inputs: [Input("--target", target.path)],
                outputs: [Output("--log", target.path, .eraJSON)], force: true, forceFlag: "--force"))
        #expect(
            message.contains("--log") && message.contains("--target") && message.contains("index.npy"), "\(message)")
    }

    /// `era apply --out ""` did all the work and then failed to rename into the current folder.
    @Test func anEmptyOrFolderPathIsRefusedBeforeAnyWork() throws {
        let empty = Self.refusal(
            OutputGuard(inputs: [], outputs: [Output("--out", "", .unmarked)], force: true, forceFlag: "--force"))
        #expect(empty.contains("--out: an empty path"), "\(empty)")
        let folder = Self.refusal(
            OutputGuard(
                inputs: [], outputs: [Output("--out", "/tmp/somewhere/", .unmarked)], force: true, forceFlag: "--force")
        )
        #expect(folder.contains("is a folder path"), "\(folder)")
    }

    @Test func anInputSpelledDifferentlyOrHardLinkedIsStillRecognised() throws {
        let directory = try TemporaryDirectory()
        let source = try directory.write("source.npy", text: "source")
        try FileManager.default.createDirectory(at: directory.file("sub"), withIntermediateDirectories: false)
        let dotted = directory.url.path + "/sub/../source.npy"
        _ = Self.refusal(
            OutputGuard(
                inputs: [Input("--source", source.path)],
                outputs: [Output("--out", dotted, .eraAdapter)], force: true, forceFlag: "--force"))
        try FileManager.default.linkItem(at: source, to: directory.file("linked.npy"))
        let message = Self.refusal(
            OutputGuard(
                inputs: [Input("--source", source.path)],
                outputs: [Output("--out", directory.file("linked.npy").path, .unmarked)],
                force: true, forceFlag: "--force"))
        #expect(message.contains("same file as --source"), "\(message)")
    }

    @Test func anOutputThatIsAnInputThroughASymlinkedFolderIsRefused() throws {
        let directory = try TemporaryDirectory()
        let corpus = try directory.write("corpus.npy", text: "corpus")
        try FileManager.default.createSymbolicLink(at: directory.file("alias"), withDestinationURL: directory.url)
        _ = Self.refusal(
            OutputGuard(
                inputs: [Input("--corpus", corpus.path)],
                outputs: [Output("--out", directory.file("alias/corpus.npy").path, .eraAdapter)],
                force: true, forceFlag: "--force"))
    }

    @Test func twoEqualOutputsAreRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("x").path
        let message = Self.refusal(
            OutputGuard(
                inputs: [],
                outputs: [
                    Output("--out", path, .eraAdapter),
                    Output("--log", path, .eraJSON),
                ], force: false, forceFlag: "--force"))
        #expect(message.contains("--out") && message.contains("--log"), "\(message)")
    }

    @Test func specialFilesAreNeverReplacedEvenWithForce() throws {
        let directory = try TemporaryDirectory()
        let fifo = directory.file("pipe").path
        #expect(mkfifo(fifo, 0o644) == 0)
        for path in ["/dev/null", fifo, directory.url.path] {
            let message = Self.refusal(
                OutputGuard(inputs: [], outputs: [Output("--log", path, .eraJSON)], force: true, forceFlag: "--force"))
            #expect(message.contains("never") && message.contains(path), "\(message)")
        }
        try FileManager.default.createSymbolicLink(
            at: directory.file("link"), withDestinationURL: directory.file("new"))
        let message = Self.refusal(
            OutputGuard(
                inputs: [], outputs: [Output("--out", directory.file("link").path, .unmarked)],
                force: true, forceFlag: "--force"))
        #expect(message.contains("symbolic link"), "\(message)")
        var info = stat()
        #expect(stat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
    }

    @Test func aFileEraDidNotWriteNeedsForce() throws {
        let directory = try TemporaryDirectory()
        let notes = try directory.write("notes.safetensors", text: "my notes")
        let message = Self.refusal(
            OutputGuard(
                inputs: [], outputs: [Output("--out", notes.path, .eraAdapter)], force: false, forceFlag: "--force"))
        #expect(message.contains("--force"), "\(message)")
        try OutputGuard(
            inputs: [], outputs: [Output("--out", notes.path, .eraAdapter)], force: true, forceFlag: "--force"
        ).check()
        let mapped = try directory.write("mapped.npy", text: "x")
        _ = Self.refusal(
            OutputGuard(
                inputs: [], outputs: [Output("--out", mapped.path, .unmarked)], force: false, forceFlag: "--force"))
    }

    @Test func filesEraWroteAreReplacedWithoutForce() throws {
        let directory = try TemporaryDirectory()
        let adapter = try Self.eraAdapter(directory, "a.safetensors")
        let log = try directory.write("a.log.json", text: "{\"format\": \"era-align-log\", \"pairs\": 3}")
        try OutputGuard(
            inputs: [],
            outputs: [
                Output("--out", adapter.path, .eraAdapter),
                Output("--log", log.path, .eraJSON),
            ], force: false, forceFlag: "--force"
        ).check()
        let foreign = try directory.write("b.log.json", text: "{\"format\": \"someone-else\"}")
        _ = Self.refusal(
            OutputGuard(
                inputs: [], outputs: [Output("--log", foreign.path, .eraJSON)], force: false, forceFlag: "--force"))
    }

    @Test func aReadOnlyOutputNeedsForce() throws {
        let directory = try TemporaryDirectory()
        let adapter = try Self.eraAdapter(directory, "a.safetensors")
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: adapter.path)
        let message = Self.refusal(
            OutputGuard(
                inputs: [], outputs: [Output("--out", adapter.path, .eraAdapter)], force: false, forceFlag: "--force"))
        #expect(message.contains("read-only"), "\(message)")
        try OutputGuard(
            inputs: [], outputs: [Output("--out", adapter.path, .eraAdapter)], force: true, forceFlag: "--force"
        ).check()
    }

    @Test func newPathsPass() throws {
        let directory = try TemporaryDirectory()
        let input = try directory.write("in.npy", text: "x")
        try OutputGuard(
            inputs: [Input("--in", input.path)],
            outputs: [
                Output("--out", directory.file("out.npy").path, .unmarked),
                Output("--out-dir", directory.file("new/sweep.md").path, .unmarked),
            ],
            force: false, forceFlag: "--force"
        ).check()
    }

    @Test func anOutputBelowAFileIsRefusedWithAMessage() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("plain", text: "x")
        let message = Self.refusal(
            OutputGuard(
                inputs: [], outputs: [Output("--out-dir", file.path + "/sweep.md", .unmarked)],
                force: true, forceFlag: "--force"))
        #expect(message.contains("not a folder"), "\(message)")
    }
}
