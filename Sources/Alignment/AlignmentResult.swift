import Foundation
import LinearAlgebra

/// The map stage one learned and the log of how.
public struct AlignmentResult: Sendable {
    public var map: AffineMap<Float>
    public var log: TrainingLog
}
