import Alignment
import Foundation
import Testing
import Workflows

@testable import Benchmarks

@Suite struct AdaptBenchmarkTests {
    /// A small run of each kind reports its figures, trains on the planted relation (stage one is
    /// imperfect, far above chance), and leaves no scratch file behind.
    @Test(arguments: [(AdaptMapFamily.linear, false), (.rotation, false), (.linear, true)])
    func smallRunReportsFiguresAndCleansUp(family: AdaptMapFamily, hybrid: Bool) throws {
        let directory = try AlignBenchmarkTests.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        var settings = AdaptSettings(family: family, seed: 4)
        settings.maxSteps = 30
        let result = try AdaptBenchmark.run(
            queries: 60, docs: 1_000, sourceDim: 48, targetDim: 16, hybrid: hybrid, settings: settings,
            scratchDirectory: directory)
        #expect(result.pairs >= 60 && result.pairs <= 120)
        #expect(result.totalSeconds > 0 && result.mineSeconds >= 0 && result.mineSeconds <= result.totalSeconds)
        #expect(result.evaluations >= 1)
        #expect(result.stageOneDevNDCG10 > 0.05 && result.stageOneDevNDCG10 < 1)
        #expect(result.selectedDevNDCG10 >= result.stageOneDevNDCG10 - 1e-9 || hybrid)
        #expect(result.hybrid == hybrid && result.family == family.description)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func theDataIsSeeded() throws {
        let a = try AdaptBenchmarkData.generate(queries: 10, docs: 40, sourceDim: 12, targetDim: 6, seed: 9)
        let b = try AdaptBenchmarkData.generate(queries: 10, docs: 40, sourceDim: 12, targetDim: 6, seed: 9)
        #expect(a.queries == b.queries && a.corpus == b.corpus && a.relevant == b.relevant)
        #expect(a.relevant.allSatisfy { (1...2).contains($0.count) })
        // Unit rows, as an index holds them.
        for d in 0..<40 {
            let norm = (0..<6).reduce(Float(0)) { $0 + a.corpus[d, $1] * a.corpus[d, $1] }
            #expect(abs(norm - 1) < 1e-5)
        }
    }

    @Test func sizesThatCannotWorkAreRefused() {
        #expect(throws: AlignmentError.self) {
            try AdaptBenchmark.checkSizes(queries: 1, docs: 100, sourceDim: 8, targetDim: 4, availableMemory: nil)
        }
        #expect(throws: AlignmentError.self) {
            try AdaptBenchmark.checkSizes(queries: 100, docs: 150, sourceDim: 8, targetDim: 4, availableMemory: nil)
        }
        #expect(throws: AlignmentError.self) {
            try AdaptBenchmark.checkSizes(
                queries: 1000, docs: Int.max / 4, sourceDim: 4096, targetDim: 1024, availableMemory: nil)
        }
        #expect(throws: AlignmentError.self) {
            try AdaptBenchmark.checkSizes(
                queries: 1000, docs: 10_000_000, sourceDim: 4096, targetDim: 1024, availableMemory: 1 << 30)
        }
        #expect(throws: Never.self) {
            try AdaptBenchmark.checkSizes(
                queries: 1000, docs: 50_000, sourceDim: 4096, targetDim: 1024, availableMemory: 24 << 30)
        }
    }
}
