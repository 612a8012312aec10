import Alignment
import Foundation
import Workflows

/// Figures of one synthetic stage-one run (`era-bench align`).
package struct AlignBenchmarkResult: Sendable, Hashable, Codable {
    package var pairs: Int
    package var sourceDim: Int
    package var targetDim: Int
    package var epochs: Int
    package var negatives: String
    /// Bytes of the two scratch `.npy` files (the inputs a user would hand to `era align`).
    package var inputBytes: Int
    /// The trainer's warm start (Procrustes) alone.
    package var warmStartSeconds: Double
    /// Mean training seconds of the epochs run (nil without epochs).
    package var epochSeconds: Double?
    /// Wall time of the whole stage one on the mapped files: matching, split, warm start, epochs, guardrail.
    package var totalSeconds: Double
    /// VmHWM after the run (mapped pages that were touched count); nil without /proc.
    package var peakRSSBytes: Int?
    /// Held-out top-1 after the warm start and of the returned map: the planted map makes them meaningful.
    package var warmStartTop1: Double?
    package var finalTop1: Double?
    /// The scratch files, when kept (`keepFiles`); nil once removed.
    package var sourceFile: String?
    package var targetFile: String?
}

extension AlignBenchmarkResult: BenchmarkReport {
    package var jsonFields: [String: Any] {
        var object: [String: Any] = [
            "pairs": pairs, "source_dim": sourceDim, "target_dim": targetDim, "epochs": epochs,
            "negatives": negatives, "input_bytes": inputBytes, "warm_start_s": warmStartSeconds,
            "epoch_s": epochSeconds ?? NSNull(), "total_s": totalSeconds, "peak_rss_bytes": peakRSSBytes ?? NSNull(),
            "warm_start_top1": warmStartTop1 ?? NSNull(), "final_top1": finalTop1 ?? NSNull(),
        ]
        if let sourceFile, let targetFile {
            object["source_file"] = sourceFile
            object["target_file"] = targetFile
        }
        return object
    }

    package var textLines: [String] {
        var lines = [
            "\(pairs) pairs, \(sourceDim) -> \(targetDim), \(epochs) epochs, negatives \(negatives), "
                + "inputs \(Self.mebibytes(inputBytes))",
            String(format: "warm start: %.3f s", warmStartSeconds),
        ]
        if let epochSeconds { lines.append(String(format: "epoch: %.3f s (mean)", epochSeconds)) }
        lines.append(String(format: "total: %.3f s", totalSeconds))
        lines += Self.peakRSSLine(peakRSSBytes, inputBytes: inputBytes)
        if let warmStartTop1, let finalTop1 {
            lines.append(
                String(format: "held-out top-1: %.3f after the warm start, %.3f returned", warmStartTop1, finalTop1))
        }
        if let sourceFile, let targetFile { lines.append("kept: \(sourceFile) \(targetFile)") }
        return lines
    }
}
