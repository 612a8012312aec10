import AdapterFormat
import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra
import Testing
import Workflows
import _TestSupport

/// A hybrid adapter needs the index model's vectors of the queries; a plain one refuses them.
@Suite struct HybridInputsTests {
    /// x (3-d) and y (2-d) for 9 queries, a plain adapter (2 x 3) and a hybrid one (W, V = 2 x 2).
    func fixture(_ dir: TemporaryDirectory) throws -> (x: Matrix, y: Matrix, hybrid: HybridMap<Float>) {
        var g = SeededGenerator(seed: 11)
        let x = Matrix(rows: 9, columns: 3, storage: (0..<27).map { _ in Float(g.normal()) })
        let y = Matrix(rows: 9, columns: 2, storage: (0..<18).map { _ in Float(g.normal()) })
        try Npy.write(x, to: dir.url.appendingPathComponent("x.npy"))
        try Npy.write(y, to: dir.url.appendingPathComponent("y.npy"))
        let stageOne = try AffineMap(weight: Matrix([[1, 2, 0], [0, 1, -1]]), bias: [0.5, -0.25])
        let hybrid = HybridMap.mix(stageOne: stageOne, alpha: 0.4)
        try Adapter(
            map: stageOne, sourceModel: "q", targetModel: "d", stage: "test", configurationHash: "-", version: "test"
        )
        .save(to: dir.url.appendingPathComponent("plain.safetensors"))
        try Adapter(
            hybrid: hybrid, sourceModel: "q", targetModel: "d", stage: "test", configurationHash: "-", version: "test"
        )
        .save(to: dir.url.appendingPathComponent("hybrid.safetensors"))
        return (x, y, hybrid)
    }

    @Test func applyMapsBothInputsAndRefusesAMissingOrExtraOne() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let (x, y, hybrid) = try fixture(dir)
        let ok = try EraProcess.run([
            "apply", "--adapter", dir.path("hybrid.safetensors"), "--in", dir.path("x.npy"),
            "--index-queries", dir.path("y.npy"), "--out", dir.path("mapped.npy"), "--quiet",
        ])
        #expect(ok.status == 0, "\(ok.stderr)")
        let mapped = try Npy.read(dir.url.appendingPathComponent("mapped.npy"))
        #expect(Tolerance.isClose(mapped, try hybrid.applyNormalized(queries: x, indexQueries: y), 1e-6))

        let missing = try EraProcess.run([
            "apply", "--adapter", dir.path("hybrid.safetensors"), "--in", dir.path("x.npy"), "--out",
            dir.path("m2.npy"),
        ])
        #expect(missing.status != 0 && missing.stderr.contains("--index-queries"), "\(missing.stderr)")
        let extra = try EraProcess.run([
            "apply", "--adapter", dir.path("plain.safetensors"), "--in", dir.path("x.npy"),
            "--index-queries", dir.path("y.npy"), "--out", dir.path("m3.npy"),
        ])
        #expect(extra.status != 0 && extra.stderr.contains("only for hybrid adapters"), "\(extra.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("m2.npy")))
        #expect(!FileManager.default.fileExists(atPath: dir.path("m3.npy")))
    }

    @Test func evaluateRefusesAHybridAdapterWithoutTheIndexModelsQueries() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        _ = try fixture(dir)
        try dir.write((0..<9).map { "q\($0)" }.joined(separator: "\n") + "\n", to: "qids.txt")
        try Npy.write(
            Matrix(rows: 4, columns: 2, storage: [1, 0, 0, 1, 0.6, 0.8, 0.8, 0.6]),
            to: dir.url.appendingPathComponent("d.npy"))
        try dir.write("d0\nd1\nd2\nd3\n", to: "dids.txt")
        try dir.write("query-id\tcorpus-id\tscore\nq0\td1\t1\nq1\td2\t1\n", to: "qrels.tsv")
        let refused = try EraProcess.run([
            "evaluate", "--adapter", dir.path("hybrid.safetensors"), "--queries", dir.path("x.npy"), "--query-ids",
            dir.path("qids.txt"), "--corpus", dir.path("d.npy"), "--corpus-ids", dir.path("dids.txt"), "--qrels",
            dir.path("qrels.tsv"),
        ])
        #expect(refused.status != 0 && refused.stderr.contains("--index-queries"), "\(refused.stderr)")
    }
}
