import ArgumentParser
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
                throw CommandError("bench adapt: \(error.description)")
            }
            if json {
                let object: [String: Any] = [
                    "queries": r.queries, "docs": r.docs, "source_dim": r.sourceDim, "target_dim": r.targetDim,
                    "map": r.family, "hybrid": r.hybrid, "pairs": r.pairs, "mine_s": r.mineSeconds,
                    "evaluations": r.evaluations, "selected_steps": r.selectedSteps, "total_s": r.totalSeconds,
                    "stage_one_dev_ndcg@10": r.stageOneDevNDCG10, "dev_ndcg@10": r.selectedDevNDCG10,
                    "chosen": r.chosen ?? NSNull(), "peak_rss_bytes": r.peakRSSBytes ?? NSNull(),
                ]
                try BenchCommand.printJSON(object)
                return
            }
            BenchCommand.printKernels()
            print(
                "\(r.queries) labeled queries (\(r.pairs) pairs), \(r.docs) docs, \(r.sourceDim) -> \(r.targetDim), "
                    + "\(r.family)\(r.hybrid ? " hybrid" : "")")
            print(String(format: "total: %.1f s (mining %.1f s)", r.totalSeconds, r.mineSeconds))
            print("dev evaluations: \(r.evaluations), final run: \(r.selectedSteps) steps")
            print(
                String(format: "dev nDCG@10: stage one %.4f, chosen %.4f", r.stageOneDevNDCG10, r.selectedDevNDCG10)
                    + (r.chosen.map { " (\($0))" } ?? ""))
            if let rss = r.peakRSSBytes { print(String(format: "peak RSS: %.1f MiB", Double(rss) / 1_048_576)) }
        }
    }
}
