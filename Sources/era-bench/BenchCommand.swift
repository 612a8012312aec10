import ArgumentParser
import Benchmarks
import Foundation
import Retrieval

/// The benchmark commands (`era-bench search|align|adapt`).
enum BenchCommand {
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
                throw BenchError("bench search: \(error.description)")
            }
            print(try result.rendered(json: json))
        }
    }
}
