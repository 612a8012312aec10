import EmbeddingIO
import Foundation
import LinearAlgebra
import Retrieval
import Workflows

/// Synthetic exact top-k search on random unit vectors: seeded standard normal float32 rows
/// scaled to unit norm, corpus first then queries from the same stream (as `peer.py`, though
/// the numbers differ from numpy's generator).
package enum SearchBenchmark {
    /// Rows generated at a time (bounds the temporary memory).
    static let generationChunkRows = 16_384

    /// Generates the data, warms BLAS up with one small gemm, and times one Retrieval `ExactSearch` run.
    ///
    /// With `mappedFile`, the corpus is written chunk by chunk to that path as a float32 `.npy`,
    /// memory-mapped and scanned from the map (never held whole in an Array), and the file is
    /// removed afterwards. Otherwise the corpus is an in-memory `Matrix`.
    /// - Throws: Retrieval's `RetrievalError` for non-positive sizes; file errors for `mappedFile`.
    package static func run(
        docs: Int, queries: Int, dim: Int, k: Int, seed: UInt64 = 0,
        mappedFile: URL? = nil, search: ExactSearch = ExactSearch()
    ) throws -> SearchBenchmarkResult {
        guard docs > 0, queries > 0, dim > 0 else {
            throw RetrievalError.empty("docs, queries and dim must be positive")
        }
        guard k > 0 else { throw RetrievalError.invalidCutoff(k) }
        try checkSizes(
            docs: docs, queries: queries, dim: dim, k: k, mapped: mappedFile != nil,
            availableMemory: availableMemoryBytes())
        var generator = SplitMix64(seed: seed)
        let seconds: Double
        if let mappedFile {
            let path = mappedFile.path
            // The file is removed afterwards, so it must be one this run creates, never a user's.
            try requireAbsent(mappedFile)
            try Npy.write(rows: docs, columns: dim, to: mappedFile, blockRows: generationChunkRows) { range in
                randomUnitRows(range.count, dim, using: &generator)
            }
            defer { try? FileManager.default.removeItem(atPath: path) }
            let queryMatrix = randomUnitRows(queries, dim, using: &generator)
            let corpus = try Npy.map(mappedFile)
            seconds = try timedSearch(search, queryMatrix, corpus, k)
        } else {
            let corpus = randomUnitRows(docs, dim, using: &generator)
            let queryMatrix = randomUnitRows(queries, dim, using: &generator)
            seconds = try timedSearch(search, queryMatrix, corpus, k)
        }
        return SearchBenchmarkResult(
            docs: docs, queries: queries, dim: dim, k: k, searchSeconds: seconds,
            queriesPerSecond: Double(queries) / seconds,
            gflops: 2 * Double(docs) * Double(queries) * Double(dim) / seconds / 1e9,
            peakRSSBytes: peakResidentBytes(), mapped: mappedFile != nil)
    }

    /// Refuses sizes whose products overflow `Int` or whose buffers exceed `availableMemory`,
    /// before anything is allocated (a huge docs or dim used to trap on overflow or abort in the
    /// allocator). Counted: the query matrix, the corpus (on disk instead with `mapped`), one gemm
    /// block of scores and the top-k heaps and results (score and row per entry, twice).
    /// - Throws: ``RetrievalError/invalidParameter(_:)`` naming the sizes and what to lower.
    static func checkSizes(
        docs: Int, queries: Int, dim: Int, k: Int, mapped: Bool,
        availableMemory: Int?
    ) throws(RetrievalError) {
        func product(_ factors: [Int], _ what: String) throws(RetrievalError) -> Int {
            guard let result = BenchmarkSizes.product(factors) else {
                throw .invalidParameter(
                    "\(what) (\(factors.map(String.init).joined(separator: " x "))) overflows a 64-bit size; lower docs, queries or dim"
                )
            }
            return result
        }
        let floatBytes = MemoryLayout<Float>.stride
        let corpus = try product([docs, dim, floatBytes], "the corpus bytes, docs x dim x 4")
        let queryBytes = try product([queries, dim, floatBytes], "the query bytes, queries x dim x 4")
        let block = try product([min(docs, 1024), min(queries, 1024), floatBytes], "the score block")
        let kept = min(k, docs)
        let heaps = try product(
            [queries, kept, 2 * (MemoryLayout<Float>.stride + MemoryLayout<Int>.stride)],
            "the top-k bytes, queries x min(k, docs) x 24")
        var total = 0
        for part in [mapped ? 0 : corpus, queryBytes, block, heaps] {
            let (sum, overflow) = total.addingReportingOverflow(part)
            if overflow {
                throw .invalidParameter("the benchmark's memory overflows a 64-bit size; lower docs, queries, dim or k")
            }
            total = sum
        }
        if let availableMemory, total > availableMemory {
            let gib = { (bytes: Int) in String(format: "%.1f GiB", Double(bytes) / 1_073_741_824) }
            throw .invalidParameter(
                "docs \(docs) x queries \(queries) x dim \(dim) (k \(k)) needs about \(gib(total)) "
                    + "of memory\(mapped ? " besides the mapped corpus" : "") but \(gib(availableMemory)) is available; "
                    + "lower docs, queries, dim or k\(mapped ? "" : ", or map the corpus from disk")")
        }
    }

    /// Memory the process can still take: MemAvailable of /proc/meminfo where it exists, else the
    /// physical memory.
    static func availableMemoryBytes() -> Int? {
        if let info = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) {
            for line in info.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                if fields.count >= 2, let kb = Int(fields[1]) { return kb * 1024 }
            }
        }
        let physical = ProcessInfo.processInfo.physicalMemory
        return physical > 0 && physical <= UInt64(Int.max) ? Int(physical) : nil
    }

    private static func timedSearch(
        _ search: ExactSearch, _ queries: Matrix, _ corpus: some RowMatrix,
        _ k: Int
    ) throws(RetrievalError) -> Double {
        ExactSearch.warmUp(queries, corpus)
        let start = ContinuousClock.now
        _ = try search.search(queries: queries, corpus: corpus, k: k)
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }

    static func randomUnitRows(_ rows: Int, _ columns: Int, using generator: inout SplitMix64) -> Matrix {
        var m = Matrix(rows: rows, columns: columns)
        m.withUnsafeMutableBufferPointer { fillUnitRows($0, rows: rows, columns: columns, using: &generator) }
        return m
    }

    /// Standard normal entries (Box-Muller, float32), each row scaled to unit norm.
    static func fillUnitRows(
        _ out: UnsafeMutableBufferPointer<Float>, rows: Int, columns: Int,
        using generator: inout SplitMix64
    ) {
        let scale: Float = 1.0 / Float(1 << 24)
        var i = 0
        while i < out.count {
            let bits = generator.next()
            let u1 = Float((bits >> 40) + 1) * scale  // (0, 1]
            let u2 = Float((bits >> 16) & 0xFF_FFFF) * scale  // [0, 1)
            let radius = (-2 * logf(u1)).squareRoot()
            let angle = 2 * Float.pi * u2
            out[i] = radius * cosf(angle)
            if i + 1 < out.count { out[i + 1] = radius * sinf(angle) }
            i += 2
        }
        for r in 0..<rows {
            let row = out.baseAddress! + r * columns
            let norm = BLAS.nrm2(UnsafePointer(row), count: columns)
            if norm > 0 { BLAS.scal(count: columns, alpha: 1 / norm, x: row) }
        }
    }

    /// VmHWM (peak resident set) of this process in bytes, or nil without /proc.
    package static func peakResidentBytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 2, let kb = Int(fields[1]) { return kb * 1024 }
        }
        return nil
    }

    /// Refuses a scratch path that already exists: a benchmark deletes its scratch files when done,
    /// so it writes only files it creates.
    static func requireAbsent(_ url: URL) throws {
        guard !FileManager.default.fileExists(atPath: url.path) else {
            throw EmbeddingIOError(
                .io, path: url.path,
                "exists already; the benchmark writes its scratch files only where nothing is, "
                    + "since it removes them afterwards: remove it or choose another scratch directory")
        }
    }
}
