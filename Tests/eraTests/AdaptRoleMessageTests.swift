import EmbeddingIO
import Foundation
import LinearAlgebra
import Testing
import _TestSupport

/// The CLI's side of `AdaptRequest.Failure`: the role of the input at fault becomes its flag.
@Suite struct AdaptRoleMessageTests {
    @Test func indexQueriesOfTheWrongShapeAreNamedByFlagAndFile() throws {
        let f = try AdaptCommandTests.Fixture(); defer { f.dir.cleanUp() }
        var g = SeededGenerator(seed: 3)
        try Npy.write(
            Matrix.randomNormal(rows: 80, columns: 5, using: &g), to: f.dir.url.appendingPathComponent("own5.npy"))
        let out = try EraProcess.run(f.arguments(["--index-queries", f.dir.path("own5.npy")]))
        #expect(out.status != 0)
        #expect(out.stderr.contains("--index-queries \(f.dir.path("own5.npy")): is 80 x 5"), "\(out.stderr)")
        #expect(!FileManager.default.fileExists(atPath: f.dir.path("stage2.safetensors")))
    }
}
