import ArgumentParser
import Foundation
import Workflows

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks (build with -c release before timing anything).",
        subcommands: [SearchBench.self, AlignBench.self, AdaptBench.self]
    )

    /// Prints `object` as one JSON line, with the BLAS kernels the timings ran on (`blas_kernels`, and
    /// `blas_kernels_openblas_chose` when era overrode OpenBLAS's choice).
    static func printJSON(_ object: [String: Any]) throws {
        var object = object
        let kernels = BLASKernelRestart.kernels
        object["blas_kernels"] = kernels?.running ?? NSNull()
        object["blas_kernels_openblas_chose"] = kernels?.openBLASChose ?? NSNull()
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }

    /// The line on the BLAS kernels, first in every benchmark's text output.
    static func printKernels() {
        if let kernels = BLASKernelRestart.kernelsDescription { print(kernels) }
    }

    struct SearchBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "search",
            abstract: "Time exact top-k search of random unit vectors.",
            discussion: """
                Draws seeded random unit vectors (float32), times one exact top-k search of every \
                query against every document (gemm in blocks + bounded top-k), and prints \
                queries/s and GFLOP/s (2 x docs x queries x dim / seconds). With --mmap the corpus \
                is written to a temporary .npy and searched from a memory map, as a corpus larger \
                than RAM would be. Compare with `python3 ../shared/bench/peer.py search-synthetic`.
                """
        )

        @Option(help: "Number of documents.") var docs: Int
        @Option(help: "Number of queries.") var queries: Int
        @Option(help: "Vector dimension.") var dim: Int
        @Option(help: "Results per query.") var k: Int = 10
        @Option(help: "Random seed.") var seed: UInt64 = 0
        @Flag(help: "Search the corpus from a memory-mapped .npy file.") var mmap = false
        @Option(help: "Directory for the --mmap scratch file (default: the system temporary directory).")
        var scratchDirectory: String?
        @Flag(help: "Print one JSON object.") var json = false

        func validate() throws {
            guard docs > 0, queries > 0, dim > 0, k > 0 else {
                throw ValidationError("--docs, --queries, --dim and --k must be positive")
            }
        }

        func run() throws {
            var scratch: URL?
            if mmap {
                let directory =
                    scratchDirectory.map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory
                scratch = directory.appendingPathComponent("era-bench-\(ProcessInfo.processInfo.processIdentifier).npy")
            }
            let result: SearchBenchmarkResult
            do {
                result = try SearchBenchmark.run(
                    docs: docs, queries: queries, dim: dim, k: k, seed: seed, mappedFile: scratch)
            } catch let error as RetrievalError {
                throw CommandError("bench search: \(error.description)")
            }
            if json {
                let object: [String: Any] = [
                    "docs": result.docs, "queries": result.queries, "dim": result.dim, "k": result.k,
                    "search_s": result.searchSeconds, "queries_per_s": result.queriesPerSecond,
                    "gflops": result.gflops, "peak_rss_bytes": result.peakRSSBytes ?? NSNull(), "mmap": result.mapped,
                ]
                try BenchCommand.printJSON(object)
            } else {
                BenchCommand.printKernels()
                print(
                    String(
                        format: "%d queries x %d docs x %d dims, k = %d%@", queries, docs, dim, k, mmap ? " (mmap)" : ""
                    ))
                print(
                    String(
                        format: "search: %.3f s   %.0f queries/s   %.1f GFLOP/s", result.searchSeconds,
                        result.queriesPerSecond, result.gflops))
                if let rss = result.peakRSSBytes {
                    print(String(format: "peak RSS: %.1f MiB", Double(rss) / 1_048_576))
                }
            }
        }
    }
}
