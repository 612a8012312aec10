import AdapterFormat
import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra
import Testing
import Workflows
import _TestSupport

/// Issue 19 item 5: serving an adapter is never silently wrong. A hybrid adapter exported as NumPy
/// arrays carries a note on V; every Python snippet that applies an adapter handles `weight_index`;
/// free-text model names never become code; the adapter id tells maps apart where config_hash cannot.
@Suite struct ServingSafetyTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func hybrid(seed: UInt64 = 7, sourceModel: String = "org/q", targetModel: String = "org/d") throws -> Adapter
    {
        var g = SeededGenerator(seed: seed)
        let (m, p) = (3, 4)
        func random(_ rows: Int, _ columns: Int) -> Matrix {
            Matrix(rows: rows, columns: columns, storage: (0..<rows * columns).map { _ in Float(g.normal()) })
        }
        return try Adapter(
            hybrid: HybridMap(weight: random(m, p), indexWeight: random(m, m), bias: [0.1, -0.2, 0.3]),
            sourceModel: sourceModel, targetModel: targetModel, stage: "adapt", configurationHash: "same",
            version: "test")
    }

    @Test func npyExportOfAHybridAdapterWritesANoteBesideTheArrays() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanUp() }
        try Self.hybrid().save(to: dir.url.appendingPathComponent("h.safetensors"))
        let out = try EraProcess.run([
            "export", "--adapter", dir.path("h.safetensors"), "--format", "npy", "--out", dir.path("h"),
        ])
        #expect(out.status == 0, "\(out.stderr)")
        for name in ["h.weight.npy", "h.bias.npy", "h.weight_index.npy", "h.README.txt"] {
            #expect(FileManager.default.fileExists(atPath: dir.path(name)), "\(name)")
        }
        let note = try String(contentsOfFile: dir.path("h.README.txt"), encoding: .utf8)
        #expect(note.contains("q = x @ W.T + y @ V.T + b"), "\(note)")
        #expect(note.contains("h.weight_index.npy") && note.contains("org/d"))
        #expect(note.contains("NOT this map"))

        // A note era did not write is never replaced without --force, and nothing is written.
        let other = try TemporaryDirectory(); defer { other.cleanUp() }
        try other.write("my own notes\n", to: "h.README.txt")
        let refused = try EraProcess.run([
            "export", "--adapter", dir.path("h.safetensors"), "--format", "npy", "--out", other.path("h"),
        ])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("h.README.txt") && refused.stderr.contains("--force"), "\(refused.stderr)")
        #expect(try String(contentsOfFile: other.path("h.README.txt"), encoding: .utf8) == "my own notes\n")
        #expect(!FileManager.default.fileExists(atPath: other.path("h.weight.npy")))
    }

    @Test func npyExportOfALinearAdapterWritesNoNote() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanUp() }
        let map = try AffineMap(weight: Matrix([[1, 2, 0], [0, 1, -1]]), bias: [0.5, -0.25])
        try Adapter(map: map, sourceModel: "q", targetModel: "d", stage: "align", configurationHash: "-", version: "t")
            .save(to: dir.url.appendingPathComponent("a.safetensors"))
        let out = try EraProcess.run([
            "export", "--adapter", dir.path("a.safetensors"), "--format", "npy", "--out", dir.path("a"),
        ])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("a.README.txt")))
        #expect(!FileManager.default.fileExists(atPath: dir.path("a.weight_index.npy")))
    }

    /// Every Python block in the docs, the README and `era export --help` that reads `weight` also
    /// handles `weight_index` (applies it, or is the hybrid section that does).
    @Test func everyAdapterSnippetHandlesWeightIndex() throws {
        let docs = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("docs").path)
            .filter { $0.hasSuffix(".md") }.map { "docs/" + $0 }
        var texts: [(String, String)] = try (docs + ["README.md"]).map {
            ($0, try String(contentsOf: Self.root.appendingPathComponent($0), encoding: .utf8))
        }
        let help = try EraProcess.run(["export", "--help"])
        texts.append(("era export --help", help.stdout))
        var checked = 0
        for (name, text) in texts {
            // Python blocks (fenced, or the help's indented lines) that read the adapter's weight.
            let blocks =
                text.components(separatedBy: "```").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
                + (name.hasPrefix("era ") ? [text] : [])
            for block in blocks where block.contains("[\"weight\"]") {
                checked += 1
                #expect(
                    block.contains("weight_index"), "\(name): a snippet applies weight without weight_index:\n\(block)")
            }
        }
        #expect(checked >= 6, "found only \(checked) snippets: the scan no longer sees them")
    }

    @Test func sentenceTransformersReadmePutsOnlyModelIdsIntoCode() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanUp() }
        let map = try AffineMap(weight: Matrix([[1, 2, 0], [0, 1, -1]]), bias: [0.5, -0.25])
        let hostile = "my model\")\nimport os; os.system(\"rm -rf ~\")  # "
        try Adapter(
            map: map, sourceModel: hostile, targetModel: "org/index-model", stage: "adapt", configurationHash: "-",
            version: "t"
        )
        .save(to: dir.url.appendingPathComponent("a.safetensors"))
        let out = try EraProcess.run([
            "export", "--adapter", dir.path("a.safetensors"), "--format", "sentence-transformers", "--out",
            dir.path("st"),
        ])
        #expect(out.status == 0, "\(out.stderr)")
        let readme = try String(contentsOfFile: dir.path("st/README.md"), encoding: .utf8)
        let code = readme.components(separatedBy: "```").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
            .joined()
        #expect(!code.contains("os.system"), "\(code)")
        #expect(code.contains("SentenceTransformer(QUERY_MODEL_ID)"), "\(code)")
        #expect(code.contains("QUERY_MODEL_ID = \"TODO\"  # the query model's id"), "\(code)")
        #expect(code.contains("SentenceTransformer(\"org/index-model\")"), "\(code)")
        #expect(!code.contains("INDEX_MODEL_ID"))

        // A bare word (a file stem, as era align names models) is not taken for an id either.
        try Adapter(
            map: map, sourceModel: "mpnet", targetModel: "org/index-model", stage: "align", configurationHash: "-",
            version: "t"
        )
        .save(to: dir.url.appendingPathComponent("b.safetensors"))
        let stem = try EraProcess.run([
            "export", "--adapter", dir.path("b.safetensors"), "--format", "sentence-transformers", "--out",
            dir.path("st2"),
        ])
        #expect(stem.status == 0, "\(stem.stderr)")
        let stemReadme = try String(contentsOfFile: dir.path("st2/README.md"), encoding: .utf8)
        #expect(
            stemReadme.contains("SentenceTransformer(QUERY_MODEL_ID)")
                && !stemReadme.contains("SentenceTransformer(\"mpnet\")"))
    }

    /// config_hash covers the settings only; adapter_id changes with the data (here: other weights),
    /// the model pair and the hybrid term, and is stable across save and load.
    @Test func adapterIdChangesWithDataModelsAndHybrid() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanUp() }
        let base = try Self.hybrid()
        let otherData = try Self.hybrid(seed: 8)
        let otherModels = try Self.hybrid(targetModel: "org/other-index")
        let linear = Adapter(
            map: base.map, sourceModel: base.sourceModel, targetModel: base.targetModel, stage: "adapt",
            configurationHash: "same", version: "test")
        let ids = [base, otherData, otherModels, linear].map(\.id)
        #expect(Set(ids).count == 4, "\(ids)")
        #expect(Set([base, otherData, otherModels, linear].map(\.configurationHash)).count == 1)
        #expect(try Self.hybrid().id == base.id)
        var renamed = base
        renamed.version = "another era"
        renamed.extraMetadata["pipeline"] = "another pipeline"
        #expect(renamed.id == base.id)

        let url = dir.url.appendingPathComponent("h.safetensors")
        try base.save(to: url)
        let file = try Safetensors.read(url)
        #expect(file.metadata["adapter_id"] == base.id && file.metadata["config_hash"] == "same")
        let loaded = try Adapter.load(url)
        #expect(loaded.id == base.id && loaded.extraMetadata["adapter_id"] == nil)
    }
}
