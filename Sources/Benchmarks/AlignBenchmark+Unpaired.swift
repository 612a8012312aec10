import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra
import Workflows

/// Figures of one synthetic unpaired stage-one run (`era-bench align --unpaired`).
package struct UnpairedAlignBenchmarkResult: Sendable, Hashable, Codable {
    package var rows: Int
    package var sourceDim: Int
    package var targetDim: Int
    /// Bytes of the two scratch `.npy` files.
    package var inputBytes: Int
    /// The induction alone (start, self-learning and null, final matching).
    package var inductionSeconds: Double
    /// Wall time of the whole unpaired stage one on the mapped files, training on the induced pairs included.
    package var totalSeconds: Double
    package var peakRSSBytes: Int?
    package var inducedPairs: Int
    /// The share of induced pairs that are the planted ones.
    package var correctShare: Double
    package var objective: Double
    package var nullObjective: Double
    package var rounds: Int
}

extension AlignBenchmark {
    /// Unpaired stage one at a chosen scale: a `min(p, m)`-dimensional clustered latent
    /// (`clusteredLatent(rows:dimension:using:)`: a shape to recover), seen through a planted orthonormal map into each
    /// space, plus noise on the target side (about 4% of the signal's norm), the target's rows in a seeded
    /// order of their own. Both written to scratch `.npy` files, memory-mapped back, and run through
    /// ``AlignWorkflow`` with `pairing: unpaired`.
    /// - Parameters:
    ///   - n: rows on each side.
    ///   - p: the source (query model) dimension.
    ///   - m: the target (index model) dimension.
    ///   - configuration: stage one's training settings (its seed draws the data).
    ///   - settings: the unpaired induction's settings.
    ///   - scratchDirectory: where the two `.npy` files are written (and removed after).
    ///   - progress: the induction's rounds and attempts.
    /// - Throws: as ``run(pairs:sourceDim:targetDim:configuration:scratchDirectory:keepFiles:)``.
    package static func runUnpaired(
        rows n: Int, sourceDim p: Int, targetDim m: Int, configuration: AlignmentConfiguration,
        settings: UnpairedSettings, scratchDirectory: URL,
        progress: (UnpairedAligner.Event) -> Void = { _ in }
    ) throws -> UnpairedAlignBenchmarkResult {
        let inputBytes = try checkSizes(
            pairs: n, sourceDim: p, targetDim: m, availableMemory: SearchBenchmark.availableMemoryBytes(),
            availableDisk: availableDiskBytes(scratchDirectory))
        let (xURL, yURL) = try scratchPair("era-bench-unpaired", in: scratchDirectory)
        defer { removeScratch(xURL, yURL) }
        let order = try writeUnpairedData(
            rows: n, sourceDim: p, targetDim: m, seed: configuration.seed, x: xURL, y: yURL)
        var request = AlignWorkflow.Request(
            sources: try Npy.map(xURL), sourceIds: [], targets: try Npy.map(yURL), targetIds: [],
            configuration: configuration, sourceModel: "bench-source", targetModel: "bench-target")
        request.unpaired = settings
        let clock = ContinuousClock()
        let started = clock.now
        let outcome = try AlignWorkflow.run(request, unpairedProgress: progress)
        let total = clock.now - started
        guard let induced = outcome.unpaired else { preconditionFailure("an unpaired request reports its induction") }
        let correct = zip(induced.sourceRows, induced.targetRows).filter { order[$1] == $0 }.count
        return UnpairedAlignBenchmarkResult(
            rows: n, sourceDim: p, targetDim: m, inputBytes: inputBytes, inductionSeconds: induced.seconds,
            totalSeconds: Double(total.components.seconds) + Double(total.components.attoseconds) * 1e-18,
            peakRSSBytes: SearchBenchmark.peakResidentBytes(), inducedPairs: induced.count,
            correctShare: Double(correct) / Double(max(1, induced.count)), objective: induced.confidence.objective,
            nullObjective: induced.confidence.nullObjective, rounds: induced.rounds)
    }

    /// Writes X (`n x p`) and Y (`n x m`, rows in the returned order: row i of Y images row `order[i]` of X).
    static func writeUnpairedData(
        rows n: Int, sourceDim p: Int, targetDim m: Int, seed: UInt64, x: URL, y: URL
    ) throws -> [Int] {
        let k = min(p, m)
        var generator = SplitMix64(seed: seed)
        let latent = clusteredLatent(rows: n, dimension: k, using: &generator)
        let intoSource = try SearchBenchmark.randomUnitRows(p, k, using: &generator).polarFactor()  // p x k
        let intoTarget = try SearchBenchmark.randomUnitRows(m, k, using: &generator).polarFactor()  // m x k
        let order = generator.permutation(n)
        try Npy.write(rows: n, columns: p, to: x, blockRows: generationRows) { range in
            var block = try! Matrix.multiply(latent.gatherRows(range), intoSource, transB: .transposed)
            block.normalizeRows()
            return block
        }
        var noise = SplitMix64(seed: seed &+ 0x7F4A_7C15)
        try Npy.write(rows: n, columns: m, to: y, blockRows: generationRows) { range in
            var block = SearchBenchmark.randomUnitRows(range.count, m, using: &noise)
            let images = latent.gatherRows(range.map { order[$0] })
            block.withUnsafeMutableBufferPointer { out in
                images.withUnsafeBufferPointer { z in
                    intoTarget.withUnsafeBufferPointer { b in
                        BLAS.gemm(
                            .none, .transposed, m: range.count, n: m, k: k, a: z.baseAddress!, lda: k,
                            b: b.baseAddress!, ldb: k, beta: 0.1 / Float(k).squareRoot(), c: out.baseAddress!, ldc: m)
                    }
                }
            }
            block.normalizeRows()
            return block
        }
        return order
    }

    /// Topics in the synthetic latent, and the weight of a row's own noise beside its topic's centre.
    static let latentTopics = 200, withinTopicNoise: Float = 0.7

    /// `rows` latent rows: topic centres and within-topic noise, both with a decaying spectrum
    /// (coordinate `j` scaled by `1/sqrt(j + 1)`), topic sizes falling as `1/(t + 1)`.
    ///
    /// Why clustered: rows with no shape beyond their covariance (a Gaussian cloud) can be aligned
    /// without pairs only where the two samples hold the same rows, since a Gaussian matches any
    /// rotation of itself: that is era's null problem. Text embeddings are clustered by topic, and
    /// the clusters are what two independent samples share.
    static func clusteredLatent(rows n: Int, dimension k: Int, using generator: inout SplitMix64) -> Matrix {
        func decaying(_ count: Int) -> Matrix {
            var rows = SearchBenchmark.randomUnitRows(count, k, using: &generator)
            rows.withUnsafeMutableBufferPointer { z in
                for i in 0..<count { for j in 0..<k { z[i * k + j] *= 1 / Float(j + 1).squareRoot() } }
            }
            rows.normalizeRows()
            return rows
        }
        let centres = decaying(latentTopics)
        var latent = decaying(n)
        let weights = (0..<latentTopics).map { 1 / Double($0 + 1) }
        let total = weights.reduce(0, +)
        var cumulative: [Double] = []
        var running = 0.0
        for w in weights { running += w / total; cumulative.append(running) }
        latent.withUnsafeMutableBufferPointer { z in
            centres.withUnsafeBufferPointer { c in
                for i in 0..<n {
                    let draw = Double(generator.next() >> 11) * 0x1.0p-53
                    let topic = min(cumulative.firstIndex { draw < $0 } ?? (latentTopics - 1), latentTopics - 1)
                    for j in 0..<k { z[i * k + j] = c[topic * k + j] + withinTopicNoise * z[i * k + j] }
                }
            }
        }
        latent.normalizeRows()
        return latent
    }
}

extension UnpairedAlignBenchmarkResult: BenchmarkReport {
    package var jsonFields: [String: Any] {
        [
            "rows": rows, "source_dim": sourceDim, "target_dim": targetDim, "input_bytes": inputBytes,
            "induction_s": inductionSeconds, "total_s": totalSeconds, "peak_rss_bytes": peakRSSBytes ?? NSNull(),
            "induced_pairs": inducedPairs, "correct_share": correctShare, "objective": objective,
            "null_objective": nullObjective, "rounds": rounds,
        ]
    }

    package var textLines: [String] {
        [
            "\(rows) x \(rows) rows, \(sourceDim) -> \(targetDim), unpaired, inputs \(Self.mebibytes(inputBytes))",
            String(format: "induction: %.3f s (%d rounds); total: %.3f s", inductionSeconds, rounds, totalSeconds),
            String(
                format: "induced pairs: %d, %.2f%% of them the planted ones; objective %.4f (null %.4f)",
                inducedPairs, 100 * correctShare, objective, nullObjective),
        ] + Self.peakRSSLine(peakRSSBytes, inputBytes: inputBytes)
    }
}
