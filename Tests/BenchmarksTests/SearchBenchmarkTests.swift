import EmbeddingIO
import Foundation
import LinearAlgebra
import Retrieval
import Testing
import Workflows

@testable import Benchmarks

@Suite struct SearchBenchmarkTests {
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

    @Test func inMemoryAndMappedRunsReportConsistentFigures() throws {
        let memory = try SearchBenchmark.run(docs: 3_000, queries: 40, dim: 16, k: 5, seed: 1)
        #expect(!memory.mapped && memory.docs == 3_000 && memory.queries == 40)
        #expect(memory.searchSeconds > 0)
        #expect(abs(memory.gflops - 2 * 3_000 * 40 * 16 / memory.searchSeconds / 1e9) < 1e-9 * memory.gflops)
        #expect(abs(memory.queriesPerSecond * memory.searchSeconds - 40) < 1e-9)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "era-bench-\(UInt64.random(in: 0...UInt64.max)).npy")
        let mapped = try SearchBenchmark.run(docs: 20_001, queries: 7, dim: 8, k: 3, seed: 2, mappedFile: file)
        #expect(mapped.mapped)
        #expect(!FileManager.default.fileExists(atPath: file.path))  // removed afterwards
        #expect((mapped.peakRSSBytes ?? 1) > 0)
    }

    @Test func invalidSizesThrow() {
        #expect(throws: RetrievalError.self) { try SearchBenchmark.run(docs: 0, queries: 1, dim: 1, k: 1) }
        #expect(throws: RetrievalError.invalidCutoff(0)) { try SearchBenchmark.run(docs: 1, queries: 1, dim: 1, k: 0) }
    }

    /// Issue 11 item 5: a huge docs or dim trapped on integer overflow or aborted in the allocator.
    @Test func sizesThatOverflowOrExceedMemoryAreRefusedBeforeAllocating() {
        func message(_ body: () throws -> Void) -> String? {
            do { try body(); return nil } catch { return "\(error)" }
        }
        // Overflow of docs x dim x 4: refused whatever the memory.
        let overflow = message { _ = try SearchBenchmark.run(docs: Int.max / 2, queries: 1, dim: 1_000, k: 10) }
        #expect(overflow?.contains("overflows a 64-bit size") == true, "\(String(describing: overflow))")
        #expect(
            message { _ = try SearchBenchmark.run(docs: 10, queries: Int.max / 3, dim: 3, k: 10) }?.contains(
                "overflows")
                == true)
        // Fits in 64 bits but not in memory: 2^40 floats.
        let tooBig = message {
            try SearchBenchmark.checkSizes(
                docs: 1 << 30, queries: 10, dim: 1 << 10, k: 10, mapped: false,
                availableMemory: 8 << 30)
        }
        #expect(
            tooBig?.contains("4096.0 GiB of memory but 8.0 GiB is available") == true, "\(String(describing: tooBig))")
        // A mapped corpus lives on disk: only the rest must fit.
        #expect(throws: Never.self) {
            try SearchBenchmark.checkSizes(
                docs: 1 << 30, queries: 10, dim: 1 << 10, k: 10, mapped: true, availableMemory: 8 << 30)
        }
        // The real check on this machine: a petabyte corpus is refused at once.
        #expect(
            message { _ = try SearchBenchmark.run(docs: 1 << 40, queries: 1, dim: 256, k: 1) }?.contains("available")
                == true)
    }

    /// The scratch file is deleted afterwards, so an existing file at its path is refused and left as it was.
    @Test func anExistingScratchPathIsNeitherReplacedNorDeleted() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "era-bench-user-\(UInt64.random(in: 0...UInt64.max)).npy")
        try Data("a user's file".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: (any Error).self) {
            try SearchBenchmark.run(docs: 10, queries: 2, dim: 4, k: 2, mappedFile: url)
        }
        #expect(try String(contentsOf: url, encoding: .utf8) == "a user's file")
    }
}
