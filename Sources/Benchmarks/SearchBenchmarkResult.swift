import Foundation
import Workflows

/// Figures of one synthetic exact-search run (the counterpart of `peer.py search-synthetic`).
package struct SearchBenchmarkResult: Sendable, Hashable, Codable {
    package var docs: Int
    package var queries: Int
    package var dim: Int
    package var k: Int
    /// Wall time of the search only (gemm blocks + top-k), after one warm-up gemm.
    package var searchSeconds: Double
    package var queriesPerSecond: Double
    /// `2 * docs * queries * dim / searchSeconds / 1e9`.
    package var gflops: Double
    /// The process's peak resident set (VmHWM of /proc/self/status) after the run; nil where
    /// /proc is absent. Memory-mapped pages that were touched count.
    package var peakRSSBytes: Int?
    /// Whether the corpus was scanned from a memory-mapped `.npy` file.
    package var mapped: Bool
}

extension SearchBenchmarkResult: BenchmarkReport {
    package var jsonFields: [String: Any] {
        [
            "docs": docs, "queries": queries, "dim": dim, "k": k, "search_s": searchSeconds,
            "queries_per_s": queriesPerSecond, "gflops": gflops, "peak_rss_bytes": peakRSSBytes ?? NSNull(),
            "mmap": mapped,
        ]
    }

    package var textLines: [String] {
        [
            String(format: "%d queries x %d docs x %d dims, k = %d%@", queries, docs, dim, k, mapped ? " (mmap)" : ""),
            String(
                format: "search: %.3f s   %.0f queries/s   %.1f GFLOP/s", searchSeconds, queriesPerSecond, gflops),
        ] + Self.peakRSSLine(peakRSSBytes)
    }
}
