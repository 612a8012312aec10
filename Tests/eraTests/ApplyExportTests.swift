import AdapterFormat
import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra
import Testing
import Workflows
import _TestSupport

/// `era apply` maps a batch exactly as the library does; `era export` writes loadable files.
@Suite struct ApplyExportTests {
    func writeAdapter(_ dir: TemporaryDirectory) throws -> Adapter {
        let map = try AffineMap(weight: Matrix([[1, 2, 0], [0, 1, -1]]), bias: [0.5, -0.25])
        let adapter = Adapter(
            map: map, sourceModel: "q", targetModel: "d", stage: "test",
            configurationHash: "-", version: "test")
        try adapter.save(to: dir.url.appendingPathComponent("a.safetensors"))
        return adapter
    }

    @Test func applyWritesNormalizedMappedRowsInBlocks() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanUp() }
        let adapter = try writeAdapter(dir)
        var g = SeededGenerator(seed: 3)
        let queries = Matrix(rows: 37, columns: 3, storage: (0..<111).map { _ in Float(g.normal()) })
        try Npy.write(queries, to: dir.url.appendingPathComponent("q.npy"), dtype: .float16)
        let halfRounded = try Npy.read(dir.url.appendingPathComponent("q.npy"))
        // Library path with small blocks equals one whole-matrix application.
        try adapter.apply(
            inputFile: dir.url.appendingPathComponent("q.npy"),
            outputFile: dir.url.appendingPathComponent("lib.npy"), blockRows: 5)
        let expected = try adapter.apply(to: halfRounded)
        let library = try Npy.read(dir.url.appendingPathComponent("lib.npy"))
        #expect(library.shape == expected.shape)
        for (x, y) in zip(library.storage, expected.storage) { #expect(abs(x - y) < 1e-6) }
        // CLI path.
        let out = try EraProcess.run([
            "apply", "--adapter", dir.path("a.safetensors"), "--in", dir.path("q.npy"),
            "--out", dir.path("cli.npy"), "--quiet",
        ])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(try Npy.read(dir.url.appendingPathComponent("cli.npy")) == library)
    }

    @Test func applyRefusesRowsOfTheWrongDimensionAndWritesNothing() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanUp() }
        _ = try writeAdapter(dir)
        try Npy.write(Matrix(rows: 2, columns: 4, repeating: 1), to: dir.url.appendingPathComponent("q4.npy"))
        let out = try EraProcess.run([
            "apply", "--adapter", dir.path("a.safetensors"), "--in", dir.path("q4.npy"),
            "--out", dir.path("never.npy"),
        ])
        #expect(out.status != 0 && out.status < 128)
        #expect(out.stderr.contains("q4.npy"), "\(out.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("never.npy")))
    }

    @Test func exportNumPyRoundTrips() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanUp() }
        let adapter = try writeAdapter(dir)
        let out = try EraProcess.run([
            "export", "--adapter", dir.path("a.safetensors"), "--out", dir.path("w"),
            "--format", "npy",
        ])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(try Npy.read(dir.url.appendingPathComponent("w.weight.npy")) == adapter.map.weight)
        #expect(try Npy.readVector(dir.url.appendingPathComponent("w.bias.npy")) == adapter.map.bias)
    }

    /// A plain map's NumPy export where a hybrid one lies: its `weight_index.npy` and README would be
    /// read with the new files. Refused, naming them; `--force` removes them.
    @Test func aPlainNumPyExportOverAHybridOneTakesItsExtraFiles() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanUp() }
        _ = try writeAdapter(dir)
        try Data("stale".utf8).write(to: dir.url.appendingPathComponent("w.weight_index.npy"))
        try Data("This map takes TWO vectors".utf8).write(to: dir.url.appendingPathComponent("w.README.txt"))
        let arguments = ["export", "--adapter", dir.path("a.safetensors"), "--out", dir.path("w"), "--format", "npy"]
        let refused = try EraProcess.run(arguments)
        #expect(refused.status != 0 && refused.stderr.contains("w.weight_index.npy"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("w.weight.npy")))
        let forced = try EraProcess.run(arguments + ["--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.path("w.weight.npy")))
        #expect(!FileManager.default.fileExists(atPath: dir.path("w.weight_index.npy")))
        #expect(!FileManager.default.fileExists(atPath: dir.path("w.README.txt")))
        // A folder of that name is not a file era wrote: never removed, not even with --force.
        try FileManager.default.createDirectory(
            atPath: dir.path("v.weight_index.npy/notes"), withIntermediateDirectories: true)
        let folder = try EraProcess.run(
            ["export", "--adapter", dir.path("a.safetensors"), "--out", dir.path("v"), "--format", "npy", "--force"])
        #expect(folder.status != 0 && folder.stderr.contains("v.weight_index.npy"), "\(folder.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.path("v.weight_index.npy/notes")))
    }

    /// An era adapter of another stage at `--out` (a user's copy of a trained stage-two adapter) is not
    /// replaced without `--force`; one of the same stage (the command's own earlier output) is.
    @Test func anAdapterOfAnotherStageIsNotReplacedWithoutForce() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanUp() }
        _ = try writeAdapter(dir)
        let trained = Adapter(
            map: try AffineMap(weight: Matrix([[1, 0, 0], [0, 1, 0]]), bias: [0, 0]), sourceModel: "q",
            targetModel: "d", stage: "adapt", configurationHash: "-", version: "test")
        try trained.save(to: dir.url.appendingPathComponent("keep.safetensors"))
        let before = try Data(contentsOf: dir.url.appendingPathComponent("keep.safetensors"))
        let arguments = ["export", "--adapter", dir.path("a.safetensors"), "--out", dir.path("keep.safetensors")]
        let refused = try EraProcess.run(arguments)
        #expect(refused.status != 0 && refused.stderr.contains("of stage test"), "\(refused.stderr)")
        #expect(try Data(contentsOf: dir.url.appendingPathComponent("keep.safetensors")) == before)
        // The same stage's earlier export is replaced without a word.
        let first = try EraProcess.run([
            "export", "--adapter", dir.path("a.safetensors"), "--out", dir.path("e.safetensors"),
        ])
        let again = try EraProcess.run([
            "export", "--adapter", dir.path("a.safetensors"), "--out", dir.path("e.safetensors"),
        ])
        #expect(first.status == 0 && again.status == 0, "\(again.stderr)")
        #expect(try EraProcess.run(arguments + ["--force"]).status == 0)
    }

    /// `--format` twice is refused before anything is written (it kept the last one without a word).
    @Test func exportRefusesTwoFormats() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanUp() }
        _ = try writeAdapter(dir)
        let out = try EraProcess.run([
            "export", "--adapter", dir.path("a.safetensors"), "--out", dir.path("w"),
            "--format", "npy", "--format", "safetensors",
        ])
        #expect(out.status != 0 && out.status < 128)
        #expect(out.stderr.contains("--format: give one format"), "\(out.stderr)")
        #expect(out.stderr.contains("npy and safetensors"), "\(out.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("w")))
        #expect(!FileManager.default.fileExists(atPath: dir.path("w.weight.npy")))
    }

    /// The three lines of Python in docs/ work: safetensors + numpy reproduce era's mapping.
    @Test(.enabled(if: PythonSafetensors.available, "python3 with numpy and safetensors not available"))
    func pythonThreeLinesReproduceTheMapping() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanUp() }
        let adapter = try writeAdapter(dir)
        let queries = Matrix([[1, 0, 0], [0.5, -1, 2]])
        try Npy.write(queries, to: dir.url.appendingPathComponent("q.npy"))
        let script = """
            import numpy as np
            from safetensors.numpy import load_file
            a = load_file("\(dir.path("a.safetensors"))")
            q = np.load("\(dir.path("q.npy"))")
            mapped = q @ a["weight"].T + a["bias"]; mapped /= np.linalg.norm(mapped, axis=1, keepdims=True)
            np.save("\(dir.path("py.npy"))", mapped.astype(np.float32))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        try process.run(); process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let python = try Npy.read(dir.url.appendingPathComponent("py.npy"))
        let swift = try adapter.apply(to: queries)
        for (x, y) in zip(python.storage, swift.storage) { #expect(abs(x - y) < 1e-6) }
    }
}

enum PythonSafetensors {
    static let available: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import numpy, safetensors.numpy"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()
}
