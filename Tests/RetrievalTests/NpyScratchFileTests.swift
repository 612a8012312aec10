import Foundation
import Testing
import EmbeddingIO
import LinearAlgebra
@testable import Retrieval

@Suite struct NpyScratchFileTests {
    @Test func chunkedWriteReadsBackWithNpyRead() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("era-scratch-\(UInt64.random(in: 0...UInt64.max)).npy")
        defer { try? FileManager.default.removeItem(at: url) }
        try NpyScratchFile.write(path: url.path, rows: 10, columns: 3, chunkRows: 4) { first, n, out in
            for r in 0..<n { for c in 0..<3 { out[r * 3 + c] = Float((first + r) * 10 + c) } }
        }
        #expect(NpyScratchFile.header(rows: 10, columns: 3).count % 64 == 0)
        let m = try Npy.read(url)
        #expect(m.rows == 10 && m.columns == 3)
        #expect(m.storage == (0..<10).flatMap { r in (0..<3).map { Float(r * 10 + $0) } })
        #expect(try Npy.map(url).rows == 10)
    }

    @Test func generatedRowsAreUnitNormAndSeeded() {
        var g1 = SplitMix64(seed: 5), g2 = SplitMix64(seed: 5)
        let a = SearchBenchmark.randomUnitRows(50, 7, using: &g1)
        let b = SearchBenchmark.randomUnitRows(50, 7, using: &g2)
        #expect(a == b)
        for i in 0..<50 {
            let norm = a.row(i).reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(norm - 1) < 1e-5)
        }
        let mean = a.storage.reduce(0, +) / Float(a.count)
        #expect(abs(mean) < 0.05)
    }
}
