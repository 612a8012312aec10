import Alignment
import Foundation
import Testing
import Workflows

@testable import Benchmarks

@Suite struct AlignBenchmarkTests {
    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "era-align-bench-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A small run reports every figure, learns the planted map, and leaves no scratch file behind.
    @Test func smallRunReportsFiguresAndCleansUp() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = AlignmentConfiguration()
        configuration.epochs = 2
        configuration.negatives = .inBatch
        configuration.seed = 3
        let result = try AlignBenchmark.run(
            pairs: 600, sourceDim: 48, targetDim: 16, configuration: configuration, scratchDirectory: directory)
        #expect(result.inputBytes == 600 * (48 + 16) * 4)
        #expect(result.warmStartSeconds > 0 && result.totalSeconds >= result.warmStartSeconds)
        #expect((result.epochSeconds ?? 0) > 0)
        #expect((result.peakRSSBytes ?? 1) > 0)
        // The planted map is learnable: far above chance (1 / 60 held-out pairs).
        #expect((result.warmStartTop1 ?? 0) > 0.5)
        #expect(result.sourceFile == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    /// `era-bench align --unpaired`: the planted correspondence is found without ids, the figures are
    /// reported, and no scratch file is left.
    @Test func unpairedRunFindsThePlantedPairs() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = AlignmentConfiguration()
        configuration.epochs = 1
        configuration.seed = 2
        var settings = UnpairedSettings()
        settings.maxRounds = 40
        let result = try AlignBenchmark.runUnpaired(
            rows: 400, sourceDim: 32, targetDim: 24, configuration: configuration, settings: settings,
            scratchDirectory: directory)
        #expect(result.inputBytes == 400 * (32 + 24) * 4)
        #expect(result.inducedPairs >= 300 && result.correctShare > 0.95, "\(result)")
        #expect(result.objective > result.nullObjective + UnpairedConfidence.minimumMargin)
        #expect(result.totalSeconds >= result.inductionSeconds && result.rounds > 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func keptFilesHoldTheSameSeededData() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = AlignmentConfiguration()
        configuration.epochs = 0
        let result = try AlignBenchmark.run(
            pairs: 100, sourceDim: 8, targetDim: 4, configuration: configuration, scratchDirectory: directory,
            keepFiles: true)
        let source = try #require(result.sourceFile), target = try #require(result.targetFile)
        #expect(FileManager.default.fileExists(atPath: source) && FileManager.default.fileExists(atPath: target))
        #expect(result.epochSeconds == nil)
    }

    @Test func sizesThatOverflowOrDoNotFitAreRefused() {
        #expect(throws: AlignmentError.self) {
            try AlignBenchmark.checkSizes(
                pairs: Int.max / 2, sourceDim: 4096, targetDim: 1024, availableMemory: nil, availableDisk: nil)
        }
        #expect(throws: AlignmentError.self) {
            try AlignBenchmark.checkSizes(
                pairs: 1_000_000, sourceDim: 4096, targetDim: 1024, availableMemory: 1 << 30, availableDisk: nil)
        }
        #expect(throws: AlignmentError.self) {
            try AlignBenchmark.checkSizes(
                pairs: 1_000_000, sourceDim: 4096, targetDim: 1024, availableMemory: nil, availableDisk: 1 << 20)
        }
        #expect(throws: AlignmentError.self) {
            try AlignBenchmark.checkSizes(
                pairs: 0, sourceDim: 1, targetDim: 1, availableMemory: nil, availableDisk: nil)
        }
        let bytes = try? AlignBenchmark.checkSizes(
            pairs: 20_000, sourceDim: 4096, targetDim: 1024, availableMemory: 24 << 30, availableDisk: nil)
        #expect(bytes == 20_000 * 5_120 * 4)
    }
}
