import EmbeddingIO
import Foundation
import LinearAlgebra
import Settings
import Testing
import _TestSupport

/// `era align` end to end on tiny files, and its refusals: each bad input gives one clear error
/// line naming the problem, and no adapter or log is written.
@Suite struct AlignCommandTests {
    /// 60 texts: source 6-d, target 4-d (a noisy linear image); the target file lists its rows in
    /// another order and has 5 texts the source lacks.
    struct Fixture {
        let dir: TemporaryDirectory
        init() throws {
            dir = try TemporaryDirectory()
            var g = SeededGenerator(seed: 41)
            let n = 60
            let x = Matrix.randomNormal(rows: n, columns: 6, using: &g)
            let w = Matrix.randomNormal(rows: 4, columns: 6, using: &g)
            var y = try Matrix.multiply(x, w, transB: .transposed)
            for k in 0..<y.count { y.storage[k] += Float(0.1 * g.normal()) }
            let ids = (0..<n).map { "doc\($0)" }
            let order = Array((0..<n).reversed())
            let extra = Matrix.randomNormal(rows: 5, columns: 4, using: &g)
            let target = Matrix(rows: n + 5, columns: 4, storage: y.gatherRows(order).storage + extra.storage)
            try Npy.write(x, to: dir.url.appendingPathComponent("source.npy"))
            try Npy.write(target, to: dir.url.appendingPathComponent("target.npy"))
            try dir.write(ids.joined(separator: "\n") + "\n", to: "source_ids.txt")
            try dir.write(
                (order.map { ids[$0] } + (0..<5).map { "other\($0)" }).joined(separator: "\n") + "\n",
                to: "target_ids.txt")
            try dir.write((0..<n).map { "unrelated\($0)" }.joined(separator: "\n") + "\n", to: "other_ids.txt")
        }

        func arguments(
            source: String = "source.npy", sourceIds: String = "source_ids.txt",
            target: String = "target.npy", targetIds: String = "target_ids.txt",
            out: String? = nil, extra: [String] = []
        ) -> [String] {
            [
                "align", "--source", dir.path(source), "--source-ids", dir.path(sourceIds),
                "--target", dir.path(target), "--target-ids", dir.path(targetIds),
                "--out", out ?? dir.path("adapter.safetensors"), "--batch-size", "16", "--epochs", "3",
            ] + extra
        }

        var wroteNothing: Bool {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.url.path)) ?? []
            return !files.contains { $0.hasPrefix("adapter") }
        }
    }

    func expectFailure(_ f: Fixture, _ args: [String], mentioning words: [String]) throws {
        let out = try EraProcess.run(args)
        #expect(out.status != 0 && out.status < 128, "status \(out.status): \(out.stderr)")
        let errorLines = out.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        #expect(errorLines.count == 1, "expected one error line, got: \(out.stderr)")
        for word in words { #expect(out.stderr.contains(word), "\(word) in \(out.stderr)") }
        #expect(!out.stderr.contains("Fatal error"))
        #expect(f.wroteNothing)
    }

    @Test func writesAdapterAndLogAndIsReproducible() throws {
        let f = try Fixture(); defer { f.dir.cleanUp() }
        let first = try EraProcess.run(f.arguments(extra: ["--npy"]))
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("60 pairs") && first.stderr.contains("epoch 1/3"))
        let adapter = try Safetensors.read(f.dir.url.appendingPathComponent("adapter.safetensors"))
        #expect(adapter.tensors["weight"]?.shape == [4, 6] && adapter.tensors["bias"]?.shape == [4])
        #expect(adapter.metadata["source_model"] == "source" && adapter.metadata["target_model"] == "target")
        #expect(adapter.metadata["stage"] == "align" && adapter.metadata["family"] == "linear")
        #expect(adapter.metadata["config_hash"]?.count == 16 && adapter.metadata["version"] != nil)
        let log =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: f.dir.url.appendingPathComponent("adapter.log.json"))) as? [String: Any]
        let training = try #require(log?["training"] as? [String: Any])
        #expect(training["training_pairs"] as? Int == 54 && training["held_out_pairs"] as? Int == 6)
        #expect(FileManager.default.fileExists(atPath: f.dir.path("adapter.weight.npy")))
        // Same seed and inputs: the same adapter bytes.
        let again = try EraProcess.run(f.arguments(out: f.dir.path("adapter2.safetensors")))
        #expect(again.status == 0)
        let a = try Safetensors.read(f.dir.url.appendingPathComponent("adapter2.safetensors"))
        let diff = zip(a.tensors["weight"]!.floats, adapter.tensors["weight"]!.floats).map { abs($0 - $1) }.max()!
        #expect(diff <= 1e-6)
    }

    @Test func noCommonIds() throws {
        let f = try Fixture(); defer { f.dir.cleanUp() }
        try expectFailure(f, f.arguments(sourceIds: "other_ids.txt"), mentioning: ["no id of", "other_ids.txt"])
    }

    @Test func emptySample() throws {
        let f = try Fixture(); defer { f.dir.cleanUp() }
        try expectFailure(f, f.arguments(extra: ["--sample", "0"]), mentioning: ["--sample", ">= 100"])
    }

    @Test func nanInARow() throws {
        let f = try Fixture(); defer { f.dir.cleanUp() }
        var x = try Npy.read(f.dir.url.appendingPathComponent("source.npy"))
        x[7, 2] = .nan
        try Npy.write(x, to: f.dir.url.appendingPathComponent("nan.npy"))
        try expectFailure(f, f.arguments(source: "nan.npy"), mentioning: ["nan.npy", "doc7", "NaN"])
    }

    @Test func unwritableOut() throws {
        let f = try Fixture(); defer { f.dir.cleanUp() }
        try expectFailure(
            f, f.arguments(out: f.dir.path("missing/adapter.safetensors")),
            mentioning: ["missing/adapter.safetensors", "does not exist"])
        try expectFailure(f, f.arguments(out: f.dir.url.path), mentioning: ["is a directory"])
        // A file where a folder of the path should be is said to be one.
        try expectFailure(
            f, f.arguments(out: f.dir.path("source.npy/adapter.safetensors")), mentioning: ["is a file, not a folder"])
    }

    @Test func badSetting() throws {
        let f = try Fixture(); defer { f.dir.cleanUp() }
        try expectFailure(f, f.arguments(extra: ["--temperature", "0"]), mentioning: ["temperature"])
    }
}
