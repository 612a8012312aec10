import AdapterFormat
import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra
import Testing
import Workflows
import _TestSupport

/// `era export --format sentence-transformers` writes a module folder sentence-transformers loads, whose
/// vectors equal `era apply`'s; hybrid adapters and folders era did not write are refused.
@Suite struct SentenceTransformersExportTests {
    /// A 5 x 7 map (m = 5, p = 7) with a bias, saved as `a.safetensors`.
    func writeAdapter(_ dir: TemporaryDirectory) throws -> Adapter {
        var g = SeededGenerator(seed: 12)
        let map = try AffineMap(
            weight: Matrix(rows: 5, columns: 7, storage: (0..<35).map { _ in Float(g.normal()) }),
            bias: (0..<5).map { _ in Float(g.normal()) * 0.1 })
        let adapter = Adapter(
            map: map, sourceModel: "org/query-model", targetModel: "org/index-model", stage: "adapt",
            configurationHash: "abc", version: "test")
        try adapter.save(to: dir.url.appendingPathComponent("a.safetensors"))
        return adapter
    }

    func export(_ dir: TemporaryDirectory, to name: String = "st", extra: [String] = []) throws -> EraProcess.Output {
        try EraProcess.run(
            [
                "export", "--adapter", dir.path("a.safetensors"), "--out", dir.path(name),
                "--format", "sentence-transformers",
            ] + extra)
    }

    @Test func writesTheModuleFolder() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanUp() }
        let adapter = try writeAdapter(dir)
        let out = try export(dir)
        #expect(out.status == 0, "\(out.stderr)")
        let folder = dir.url.appendingPathComponent("st")
        let config = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("config.json")))
                as? [String: Any])
        #expect(config["in_features"] as? Int == 7 && config["out_features"] as? Int == 5)
        #expect(config["bias"] as? Bool == true)
        #expect(config["activation_function"] as? String == "torch.nn.modules.linear.Identity")
        #expect(config.count == 4, "extra keys break Dense.load before sentence-transformers 5.7")
        let tensors = try Safetensors.read(folder.appendingPathComponent("model.safetensors"))
        #expect(tensors.tensors["linear.weight"]?.shape == [5, 7] && tensors.tensors["linear.weight"]?.dtype == .f32)
        #expect(tensors.tensors["linear.bias"]?.shape == [5] && tensors.tensors["linear.bias"]?.dtype == .f32)
        #expect(try tensors.matrix("linear.weight") == adapter.map.weight)
        #expect(try tensors.vector("linear.bias") == adapter.map.bias)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("Normalize/config.json").path))
        let era = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("era.json")))
                as? [String: String])
        #expect(era["format"] == "era-sentence-transformers")
        #expect(era["source_model"] == "org/query-model" && era["target_model"] == "org/index-model")
        #expect(
            era["normalization"]?.contains("normalize(W x + b)") == true && era["era_version"] == EraVersion.current)
        let readme = try String(contentsOf: folder.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("Router.for_query_document") && readme.contains("org/index-model"))
        // Exporting again over era's own folder needs no --force; nothing is left beside it.
        #expect(try export(dir).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).sorted() == ["a.safetensors", "st"])
    }

    /// numpy + safetensors see the layout sentence-transformers reads.
    @Test(.enabled(if: PythonSafetensors.available, "python3 with numpy and safetensors not available: skipped"))
    func numpyAndSafetensorsSeeTheShapes() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanUp() }
        _ = try writeAdapter(dir)
        #expect(try export(dir).status == 0)
        let out = try python(
            """
            import json, numpy as np
            from safetensors.numpy import load_file
            c = json.load(open("\(dir.path("st/config.json"))"))
            t = load_file("\(dir.path("st/model.safetensors"))")
            print(c["in_features"], c["out_features"], c["bias"], t["linear.weight"].shape, t["linear.weight"].dtype,
                  t["linear.bias"].shape, t["linear.bias"].dtype)
            """)
        #expect(out == "7 5 True (5, 7) float32 (5,) float32", "\(out)")
    }

    /// Dense.load(DIR) then Normalize gives `era apply`'s vectors; so do DIR as a model and the README's
    /// by-hand recipe (DIR copied into a model folder as N_Dense, Normalize at N_Dense/Normalize).
    @Test(
        .enabled(
            if: PythonSentenceTransformers.available,
            "sentence-transformers (with torch) not installed: Dense.load check skipped; pip install sentence-transformers"
        ))
    func sentenceTransformersGivesEraApplysVectors() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanUp() }
        _ = try writeAdapter(dir)
        #expect(try export(dir).status == 0)
        var g = SeededGenerator(seed: 5)
        try Npy.write(
            Matrix(rows: 9, columns: 7, storage: (0..<63).map { _ in Float(g.normal()) }),
            to: dir.url.appendingPathComponent("q.npy"))
        let apply = try EraProcess.run([
            "apply", "--adapter", dir.path("a.safetensors"), "--in", dir.path("q.npy"),
            "--out", dir.path("mapped.npy"), "--quiet",
        ])
        #expect(apply.status == 0, "\(apply.stderr)")
        let out = try python(
            """
            import json, os, shutil, warnings; warnings.simplefilter("ignore")
            import numpy as np, torch
            from sentence_transformers import SentenceTransformer
            from sentence_transformers.models import Dense, Normalize
            x = torch.from_numpy(np.load("\(dir.path("q.npy"))")); want = np.load("\(dir.path("mapped.npy"))")
            dense = Dense.load("\(dir.path("st"))")
            q = Normalize()(dense({"sentence_embedding": x}))["sentence_embedding"].detach().numpy()
            whole = SentenceTransformer("\(dir.path("st"))")({"sentence_embedding": x})["sentence_embedding"].detach().numpy()
            model = "\(dir.path("model"))"; os.makedirs(model); shutil.copytree("\(dir.path("st"))", model + "/0_Dense")
            json.dump([{"idx": 0, "name": "0", "path": "0_Dense", "type": "sentence_transformers.models.Dense"},
                       {"idx": 1, "name": "1", "path": "0_Dense/Normalize", "type": "sentence_transformers.models.Normalize"}],
                      open(model + "/modules.json", "w"))
            by_hand = SentenceTransformer(model)({"sentence_embedding": x})["sentence_embedding"].detach().numpy()
            print(max(float(np.abs(v - want).max()) for v in (q, whole, by_hand)) < 1e-5, q.shape)
            """)
        #expect(out == "True (9, 5)", "\(out)")
    }

    @Test func hybridAdaptersAreRefusedWithTheReason() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanUp() }
        let m = Matrix(rows: 2, columns: 3, repeating: 0.5)
        try SafetensorsFile(
            tensors: [
                "weight": .init(m), "weight_index": .init(Matrix(rows: 2, columns: 2, repeating: 1)),
                "bias": .init(vector: [0, 0]),
            ],
            metadata: ["format": "era-adapter"]
        ).write(to: dir.url.appendingPathComponent("a.safetensors"))
        let out = try export(dir)
        #expect(out.status != 0 && out.status < 128)
        #expect(
            out.stderr.contains("hybrid") && out.stderr.contains("weight_index")
                && out.stderr.contains("--format safetensors"),
            "\(out.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("st")))
        // Marked hybrid by its metadata alone.
        try SafetensorsFile(
            tensors: ["weight": .init(m), "bias": .init(vector: [0, 0])],
            metadata: ["family": "hybrid"]
        ).write(to: dir.url.appendingPathComponent("a.safetensors"))
        let byFamily = try export(dir)
        #expect(byFamily.status != 0 && byFamily.stderr.contains("hybrid"), "\(byFamily.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path) == ["a.safetensors"])
    }

    /// A folder era did not write is never replaced, even with --force (a mistyped `--out .` took a
    /// project folder with it); nor is era's own folder once it holds a file era did not write there
    /// (re-exporting deleted the user's notes beside the module, without --force).
    @Test func foldersEraDidNotWriteAndFilesBesideEraAreNeverReplaced() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanUp() }
        _ = try writeAdapter(dir)
        try FileManager.default.createDirectory(
            at: dir.url.appendingPathComponent("st"), withIntermediateDirectories: false)
        try dir.write("mine", to: "st/notes.txt")
        for extra in [[], ["--force"]] {
            let refused = try export(dir, extra: extra)
            #expect(refused.status != 0 && refused.stderr.contains("notes.txt"), "\(refused.stderr)")
            #expect(refused.stderr.contains("even with --force"), "\(refused.stderr)")
            #expect(try String(contentsOfFile: dir.path("st/notes.txt"), encoding: .utf8) == "mine")
        }
        try FileManager.default.removeItem(at: dir.url.appendingPathComponent("st/notes.txt"))
        let fresh = try export(dir)
        #expect(fresh.status == 0, "\(fresh.stderr)")
        try dir.write("mine", to: "st/notes.txt")
        try dir.write("{}", to: "st/Normalize/mine.json")
        for extra in [[], ["--force"]] {
            let refused = try export(dir, extra: extra)
            #expect(refused.status != 0, "\(refused.stdout)")
            #expect(
                refused.stderr.contains("Normalize/mine.json") && refused.stderr.contains("notes.txt"),
                "\(refused.stderr)")
        }
        #expect(try String(contentsOfFile: dir.path("st/notes.txt"), encoding: .utf8) == "mine")
        #expect(try String(contentsOfFile: dir.path("st/Normalize/mine.json"), encoding: .utf8) == "{}")
        // A folder with sub-folders (a model folder?) or holding the adapter itself: never, even with --force.
        try FileManager.default.createDirectory(
            at: dir.url.appendingPathComponent("model/0_Transformer"),
            withIntermediateDirectories: true)
        let model = try export(dir, to: "model", extra: ["--force"])
        #expect(model.status != 0 && model.stderr.contains("0_Transformer"), "\(model.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.path("model/0_Transformer")))
        let own = try EraProcess.run([
            "export", "--adapter", dir.path("a.safetensors"), "--out", dir.url.path,
            "--format", "sentence-transformers", "--force",
        ])
        #expect(own.status != 0 && own.stderr.contains("--adapter"), "\(own.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.path("a.safetensors")))
    }

    @Test func aFailedFolderWriteLeavesTheOldFolderAndNoTemporaryOne() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanUp() }
        let target = dir.url.appendingPathComponent("out")
        try AtomicFolder.write(to: target) { try Data("old".utf8).write(to: $0.appendingPathComponent("f")) }
        struct Planned: Error {}
        #expect(throws: Planned.self) {
            try AtomicFolder.write(to: target) { folder in
                try Data("new".utf8).write(to: folder.appendingPathComponent("f"))
                throw Planned()
            }
        }
        #expect(try String(contentsOf: target.appendingPathComponent("f"), encoding: .utf8) == "old")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path) == ["out"])
    }

    /// Runs `script` with python3; returns its trimmed stdout (stderr appended when it fails).
    func python(_ script: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return process.terminationStatus == 0 ? text : text + "\n" + String(decoding: stderr, as: UTF8.self)
    }
}

enum PythonSentenceTransformers {
    static let available: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import numpy, torch, sentence_transformers.models"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()
}
