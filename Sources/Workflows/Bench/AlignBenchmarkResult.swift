import Alignment
import Foundation

/// Figures of one synthetic stage-one run (`era bench align`).
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
