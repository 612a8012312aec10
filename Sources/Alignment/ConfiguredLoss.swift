import Foundation

/// The configured loss as concrete types (not an existential), so the hot loops are specialized for Float.
enum ConfiguredLoss: AlignmentLoss {
    case infonce(InfoNCELoss<Float>)
    case cosine(CosineLoss<Float>)
    case mse(MSELoss<Float>)

    /// The value alone: InfoNCE skips its backward pass; the others are cheap and compute it anyway.
    mutating func value(map: AffineMap<Float>, batch: PairBatch<Float>, scratch gradient: inout MapGradient<Float>)
        throws(AlignmentError) -> Float
    {
        if case .infonce(var loss) = self {
            self = .mse(MSELoss())
            defer { self = .infonce(loss) }
            return try loss.forwardValue(map: map, batch: batch)
        }
        return try valueAndGradient(map: map, batch: batch, into: &gradient)
    }

    mutating func valueAndGradient(
        map: AffineMap<Float>, batch: PairBatch<Float>,
        into gradient: inout MapGradient<Float>
    ) throws(AlignmentError) -> Float {
        switch self {
        case .infonce(var loss):
            self = .mse(MSELoss())  // drop the payload's second reference so its buffers are not copied
            defer { self = .infonce(loss) }
            return try loss.valueAndGradient(map: map, batch: batch, into: &gradient)
        case .cosine(var loss):
            self = .mse(MSELoss())
            defer { self = .cosine(loss) }
            return try loss.valueAndGradient(map: map, batch: batch, into: &gradient)
        case .mse(var loss):
            defer { self = .mse(loss) }
            return try loss.valueAndGradient(map: map, batch: batch, into: &gradient)
        }
    }
}

func seconds(_ duration: Duration) -> Double {
    let (s, attoseconds) = duration.components
    return Double(s) + Double(attoseconds) * 1e-18
}
