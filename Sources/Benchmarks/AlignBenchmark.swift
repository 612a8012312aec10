import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra
import Workflows

/// Synthetic stage one at a chosen scale: seeded unit sources X (n x p), targets from a planted map
/// Y = normalize(X G^T + noise) (G random with unit rows, noise half the signal's norm), both written
/// block by block to scratch `.npy` files, memory-mapped back as a user's files would be, and run
/// through ``AlignWorkflow`` (matching, the trainer, the guardrail) as `era align` runs them.
package enum AlignBenchmark {
    /// Rows generated at a time (bounds the generator's memory: 2048 x 4096 floats is 32 MB).
    static let generationRows = 2_048

    /// Writes the data to `scratchDirectory`, runs stage one on the mapped files and removes them
    /// unless `keepFiles`.
    /// - Throws: ``AlignWorkflow/Failure`` from training; Alignment's
    ///   `AlignmentError.invalidParameter(name:value:reason:)` for sizes that overflow or do not fit in
    ///   memory or on disk; file errors.
    package static func run(
        pairs n: Int, sourceDim p: Int, targetDim m: Int, configuration: AlignmentConfiguration,
        scratchDirectory: URL, keepFiles: Bool = false
    ) throws -> AlignBenchmarkResult {
        let inputBytes = try checkSizes(
            pairs: n, sourceDim: p, targetDim: m, availableMemory: SearchBenchmark.availableMemoryBytes(),
            availableDisk: availableDiskBytes(scratchDirectory))
        let (xURL, yURL) = try scratchPair("era-bench-align", in: scratchDirectory)
        defer { if !keepFiles { removeScratch(xURL, yURL) } }
        try writeData(pairs: n, sourceDim: p, targetDim: m, seed: configuration.seed, x: xURL, y: yURL)

        let sources = try Npy.map(xURL), targets = try Npy.map(yURL)
        let ids = (0..<n).map(String.init)
        let request = AlignWorkflow.Request(
            sources: sources, sourceIds: ids, targets: targets, targetIds: ids, configuration: configuration,
            sourceModel: "bench-source", targetModel: "bench-target")
        let clock = ContinuousClock()
        let started = clock.now
        let outcome = try AlignWorkflow.run(request)
        let total = clock.now - started
        let epochs = outcome.log.epochs
        return AlignBenchmarkResult(
            pairs: n, sourceDim: p, targetDim: m, epochs: configuration.epochs,
            negatives: (outcome.log.negatives ?? configuration.negatives).rawValue, inputBytes: inputBytes,
            warmStartSeconds: outcome.log.warmStart.seconds,
            epochSeconds: epochs.isEmpty ? nil : epochs.map(\.trainSeconds).reduce(0, +) / Double(epochs.count),
            totalSeconds: Double(total.components.seconds) + Double(total.components.attoseconds) * 1e-18,
            peakRSSBytes: SearchBenchmark.peakResidentBytes(),
            warmStartTop1: outcome.log.warmStartHeldOut?.top1Accuracy, finalTop1: outcome.log.heldOut?.top1Accuracy,
            sourceFile: keepFiles ? xURL.path : nil, targetFile: keepFiles ? yURL.path : nil)
    }

    /// Writes X and Y block by block. X's generator is replayed for Y with the same block bounds, so
    /// Y's rows are computed from the very X rows written without reading the file back.
    static func writeData(pairs n: Int, sourceDim p: Int, targetDim m: Int, seed: UInt64, x: URL, y: URL) throws {
        var sourceRows = SplitMix64(seed: seed)
        try Npy.write(rows: n, columns: p, to: x, blockRows: generationRows) { range in
            SearchBenchmark.randomUnitRows(range.count, p, using: &sourceRows)
        }
        var plantRows = SplitMix64(seed: seed &+ 0x9E37_79B9)
        let plant = SearchBenchmark.randomUnitRows(m, p, using: &plantRows)  // G, m x p
        var replay = SplitMix64(seed: seed), noise = SplitMix64(seed: seed &+ 0x7F4A_7C15)
        // A unit-row G sends a unit x to a vector of norm about sqrt(m / p); the noise is half that.
        let noiseScale = 0.5 * Float(Double(m) / Double(p)).squareRoot()
        try Npy.write(rows: n, columns: m, to: y, blockRows: generationRows) { range in
            let xs = SearchBenchmark.randomUnitRows(range.count, p, using: &replay)
            var ys = SearchBenchmark.randomUnitRows(range.count, m, using: &noise)
            ys.withUnsafeMutableBufferPointer { out in
                xs.withUnsafeBufferPointer { a in
                    plant.withUnsafeBufferPointer { g in
                        BLAS.gemm(
                            .none, .transposed, m: range.count, n: m, k: p, a: a.baseAddress!, lda: p,
                            b: g.baseAddress!, ldb: p, beta: noiseScale, c: out.baseAddress!, ldc: m)
                    }
                }
            }
            ys.normalizeRows()
            return ys
        }
    }

    /// Refuses sizes whose byte counts overflow `Int`, whose scratch files do not fit on disk, or whose
    /// stage one would not fit in memory, before anything is written. Returns the input bytes.
    ///
    /// The memory estimate is what stage one holds today: the mapped inputs once they are read, the
    /// matched pairs, the unit targets and the split's copies (about four times the inputs), plus
    /// O(p m) for the map, its gradient, Adam's moments and the warm start's Double SVD.
    static func checkSizes(
        pairs n: Int, sourceDim p: Int, targetDim m: Int, availableMemory: Int?, availableDisk: Int?
    ) throws(AlignmentError) -> Int {
        guard n > 0, p > 0, m > 0 else {
            throw .invalidParameter(name: "sizes", value: "\(n) x \(p) -> \(m)", reason: "expected positive sizes")
        }
        func product(_ factors: [Int], _ what: String) throws(AlignmentError) -> Int {
            guard let result = BenchmarkSizes.product(factors) else {
                throw .invalidParameter(
                    name: what, value: factors.map(String.init).joined(separator: " x "),
                    reason: "overflows a 64-bit size; lower the number of pairs or the dimensions")
            }
            return result
        }
        let source = try product([n, p, 4], "the source bytes, pairs x source-dim x 4")
        let target = try product([n, m, 4], "the target bytes, pairs x target-dim x 4")
        let map = try product([p, m, 64], "the map's bytes, source-dim x target-dim x 64")
        let (inputs, o1) = source.addingReportingOverflow(target)
        let (held, o2) = inputs.multipliedReportingOverflow(by: 4)
        let (total, o3) = held.addingReportingOverflow(map)
        guard !o1, !o2, !o3 else {
            throw .invalidParameter(
                name: "sizes", value: "\(n) x \(p) -> \(m)", reason: "the memory overflows a 64-bit size")
        }
        let gib = { (bytes: Int) in String(format: "%.1f GiB", Double(bytes) / 1_073_741_824) }
        if let availableDisk, inputs > availableDisk {
            throw .invalidParameter(
                name: "sizes", value: "\(n) x \(p) -> \(m)",
                reason: "the scratch files need \(gib(inputs)) but \(gib(availableDisk)) is free there; "
                    + "lower the number of pairs or choose another scratch directory")
        }
        if let availableMemory, total > availableMemory {
            throw .invalidParameter(
                name: "sizes", value: "\(n) x \(p) -> \(m)",
                reason: "stage one needs about \(gib(total)) of memory but \(gib(availableMemory)) is available; "
                    + "lower the number of pairs or the dimensions")
        }
        return inputs
    }

    /// Two scratch paths in `directory` named for this process (`-source.npy`, `-target.npy`),
    /// refused when either exists: a benchmark never replaces a file it did not write.
    static func scratchPair(_ prefix: String, in directory: URL) throws -> (URL, URL) {
        let tag = "\(prefix)-\(ProcessInfo.processInfo.processIdentifier)"
        let x = directory.appendingPathComponent("\(tag)-source.npy")
        let y = directory.appendingPathComponent("\(tag)-target.npy")
        for url in [x, y] { try SearchBenchmark.requireAbsent(url) }
        return (x, y)
    }

    static func removeScratch(_ urls: URL...) {
        for url in urls { try? FileManager.default.removeItem(at: url) }
    }

    static func availableDiskBytes(_ directory: URL) -> Int? {
        let attributes = try? FileManager.default.attributesOfFileSystem(forPath: directory.path)
        return (attributes?[.systemFreeSize] as? NSNumber).map { $0.intValue }
    }
}
