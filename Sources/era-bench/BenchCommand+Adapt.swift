import Alignment
import ArgumentParser
import Benchmarks
import Foundation
import Workflows

extension BenchCommand {
    struct AdaptBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "adapt",
            abstract: "Time stage two (mining, dev selection, the final run) on synthetic labeled queries.",
            discussion: """
                Draws seeded queries (p-d), an index (m-d) and training qrels (1 or 2 relevant documents a \
                query) with a planted relation and topics, and an imperfect stage-one map; writes the \
                queries and the index to scratch .npy files (removed afterwards), memory-maps them back \
                as `era adapt` reads a user's files, and runs stage two with its default settings on every \
                query: hard-negative mining, the 5-fold dev selection, the final run. Prints the seconds \
                of the whole run and of the mining, the dev evaluations, the steps chosen, the dev nDCG@10 \
                of stage one and of the choice, and the peak RSS (docs/benchmarks.md).
                """
        )

        @Option(help: "Labeled queries (all are used: the budget).") var queries: Int
        @Option(help: "Documents in the index.") var docs: Int
        @Option(help: "Source (query model) dimension p.") var sourceDim: Int
        @Option(help: "Target (index model) dimension m.") var targetDim: Int
        @Option(help: "The map family: linear or rotation.") var map: String = "linear"
        @Flag(help: "Give stage two the index model's own query vectors (a hybrid map).") var hybrid = false
        @Option(help: "Random seed (data and training).") var seed: UInt64 = 0
        @Option(help: "Directory for the scratch .npy files (default: the system temporary directory).")
        var scratchDirectory: String?
        @Flag(help: "Print one JSON object.") var json = false

        func validate() throws {
            guard queries >= 2, docs > 0, sourceDim > 0, targetDim > 0 else {
                throw ValidationError("--queries must be 2 or more; --docs, --source-dim and --target-dim positive")
            }
            guard ["linear", "rotation"].contains(map) else {
                throw ValidationError("--map must be linear or rotation, not \(map)")
            }
        }

        func run() throws {
            let settings = AdaptSettings(family: map == "rotation" ? .rotation : .linear, seed: seed)
            let directory =
                scratchDirectory.map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory
            let r: AdaptBenchmarkResult
            do {
                r = try AdaptBenchmark.run(
                    queries: queries, docs: docs, sourceDim: sourceDim, targetDim: targetDim, hybrid: hybrid,
                    settings: settings, scratchDirectory: directory)
            } catch let error as AlignmentError {
                throw BenchError("bench adapt: \(error.description)")
            }
            print(try r.rendered(json: json))
        }
    }
}
