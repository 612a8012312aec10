import EmbeddingIO
import Foundation
import LinearAlgebra
import Testing
import _TestSupport

/// `era align --unpaired` end to end: two files of the same texts in unrelated orders, no ids,
/// give an adapter marked unpaired; an unrelated target is refused with nothing written.
@Suite struct AlignUnpairedCommandTests {
    /// `n` rows of a 10-d latent with a decaying spectrum, seen through orthonormal maps into 20 and
    /// 12 dimensions; the target's rows reversed and slightly perturbed.
    static func write(into dir: TemporaryDirectory, unrelatedTarget: Bool = false) throws {
        var g = SeededGenerator(seed: 17)
        let n = 200, k = 10
        var z = Matrix.randomNormal(rows: n, columns: k, using: &g)
        for i in 0..<n { for j in 0..<k { z.storage[i * k + j] /= Float(j + 1).squareRoot() } }
        let a = try Matrix.randomNormal(rows: 20, columns: k, using: &g).polarFactor()  // 20 x k
        let b = try Matrix.randomNormal(rows: 12, columns: k, using: &g).polarFactor()  // 12 x k
        let x = try Matrix.multiply(z, a, transB: .transposed)
        var y = try Matrix.multiply(z, b, transB: .transposed).gatherRows((0..<n).reversed())
        for i in y.storage.indices { y.storage[i] += Float(0.01 * g.normal()) }
        if unrelatedTarget { y = Matrix.randomNormal(rows: n, columns: 12, using: &g) }
        try Npy.write(x, to: dir.url.appendingPathComponent("source.npy"))
        try Npy.write(y, to: dir.url.appendingPathComponent("target.npy"))
    }

    static func arguments(_ dir: TemporaryDirectory) -> [String] {
        [
            "align", "--unpaired", "--source", dir.path("source.npy"), "--target", dir.path("target.npy"),
            "--out", dir.path("adapter.safetensors"), "--epochs", "1", "--max-rounds", "40", "--restarts", "1",
        ]
    }

    @Test func sameTextsInAnotherOrderAlignWithoutIds() throws {
        let dir = try TemporaryDirectory()
        try Self.write(into: dir)
        let out = try EraProcess.run(Self.arguments(dir))
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stderr.contains("unpaired: 200 source rows, 200 target rows"), "\(out.stderr)")
        let tensors = try Safetensors.read(dir.url.appendingPathComponent("adapter.safetensors"))
        #expect(tensors.metadata["pairing"] == "unpaired")
        #expect(Int(tensors.metadata["unpaired_induced_pairs"] ?? "") ?? 0 >= 180)
    }

    @Test func anUnrelatedTargetIsRefusedAndNothingIsWritten() throws {
        let dir = try TemporaryDirectory()
        try Self.write(into: dir, unrelatedTarget: true)
        let out = try EraProcess.run(Self.arguments(dir))
        #expect(out.status != 0)
        #expect(out.stderr.contains("cannot be aligned without pairs") && out.stderr.contains("paired texts"))
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.url.path)
        #expect(!files.contains { $0.hasPrefix("adapter") }, "\(files)")
    }
}

/// `era align --unpaired` on the bundled example's texts with a target of copies of 60 rows: the
/// objective beats the null's, yet few rows match mutually, and it is refused with nothing written
/// (a map to noise was written before). Slow: real 768- and 256-dimensional rows through a debug
/// build's self-learning, about 6 s.
@Suite(.enabled(if: SlowTier.isEnabled, "\(SlowTier.skipReason("unpaired self-learning on real rows"))"))
struct AlignUnpairedCopiesSlowTests {
    @Test func aTargetOfCopiesOfAFewRowsIsRefused() throws {
        let dir = try TemporaryDirectory()
        let quickstart = YourDataWalkthroughTests.root.appendingPathComponent("Pipelines/quickstart")
        let source = try Npy.read(quickstart.appendingPathComponent("align.mpnet.npy"))
        let target = try Npy.read(quickstart.appendingPathComponent("align.static.npy"))
        var g = SeededGenerator(seed: 1)
        try Npy.write(source.gatherRows(Array(0..<400)), to: dir.url.appendingPathComponent("source.npy"))
        try Npy.write(
            target.gatherRows((0..<400).map { _ in Int.random(in: 0..<60, using: &g) }),
            to: dir.url.appendingPathComponent("target.npy"))
        let out = try EraProcess.run(
            [
                "align", "--unpaired", "--source", dir.path("source.npy"), "--target", dir.path("target.npy"),
                "--out", dir.path("adapter.safetensors"), "--restarts", "1", "--quiet",
            ])
        #expect(out.status != 0, "\(out.stderr)")
        #expect(out.stderr.contains("only with many rows choosing the same few targets"), "\(out.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.url.path)
        #expect(!files.contains { $0.hasPrefix("adapter") }, "\(files)")
    }
}
