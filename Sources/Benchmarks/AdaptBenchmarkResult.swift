import Alignment
import Foundation
import Workflows

/// Figures of one synthetic stage-two run (`era-bench adapt`).
package struct AdaptBenchmarkResult: Sendable, Hashable, Codable {
    package var queries: Int
    package var docs: Int
    package var sourceDim: Int
    package var targetDim: Int
    package var family: String
    package var hybrid: Bool
    /// Labeled (query, relevant document) pairs.
    package var pairs: Int
    /// Hard-negative mining (one exact search of the labeled queries to depth `hard_pool`).
    package var mineSeconds: Double
    /// Dev evaluations made during selection (every fold of every split at each evaluated step).
    package var evaluations: Int
    /// Steps of the final run on every labeled query (0 when a label-free candidate was chosen).
    package var selectedSteps: Int
    /// Wall time of `AdaptWorkflow.run`: mining,
    /// dev selection, the final run.
    package var totalSeconds: Double
    /// Pooled dev nDCG@10 of stage one and of the choice (the planted data makes them meaningful).
    package var stageOneDevNDCG10: Double
    package var selectedDevNDCG10: Double
    package var chosen: String?
    package var peakRSSBytes: Int?
}

extension AdaptBenchmarkResult: BenchmarkReport {
    package var jsonFields: [String: Any] {
        [
            "queries": queries, "docs": docs, "source_dim": sourceDim, "target_dim": targetDim, "map": family,
            "hybrid": hybrid, "pairs": pairs, "mine_s": mineSeconds, "evaluations": evaluations,
            "selected_steps": selectedSteps, "total_s": totalSeconds, "stage_one_dev_ndcg@10": stageOneDevNDCG10,
            "dev_ndcg@10": selectedDevNDCG10, "chosen": chosen ?? NSNull(), "peak_rss_bytes": peakRSSBytes ?? NSNull(),
        ]
    }

    package var textLines: [String] {
        [
            "\(queries) labeled queries (\(pairs) pairs), \(docs) docs, \(sourceDim) -> \(targetDim), "
                + "\(family)\(hybrid ? " hybrid" : "")",
            String(format: "total: %.1f s (mining %.1f s)", totalSeconds, mineSeconds),
            "dev evaluations: \(evaluations), final run: \(selectedSteps) steps",
            String(format: "dev nDCG@10: stage one %.4f, chosen %.4f", stageOneDevNDCG10, selectedDevNDCG10)
                + (chosen.map { " (\($0))" } ?? ""),
        ] + Self.peakRSSLine(peakRSSBytes)
    }
}
