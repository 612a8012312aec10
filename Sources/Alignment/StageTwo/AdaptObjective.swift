import LinearAlgebra

/// Stage two's training objective as a function of a family's parameters:
/// J = InfoNCE(f; batch) + lambda ||W - W1||_F^2, f = (W, b) the map the parameters define.
///
/// The gradient w.r.t. (W, b) is the loss's plus 2 lambda (W - W1) on the weight, then pulled back
/// to the parameters by ``AdaptMapParameters/pullback(_:)``; AdaptGradientTests checks the whole
/// chain against finite differences in Double for every family.
public struct AdaptObjective<Scalar: BLASScalar>: Sendable {
    public var loss: AdaptContrastiveLoss<Scalar>
    /// lambda >= 0.
    public var penalty: Scalar
    private var gradient: MapGradient<Scalar>?

    public init(loss: AdaptContrastiveLoss<Scalar>, penalty: Scalar) {
        self.loss = loss
        self.penalty = penalty
    }

    /// J and dJ/d(parameters) at `parameters` (which must be refreshed).
    /// - Complexity: the loss's plus O(m p) for the penalty plus the family's pullback.
    public mutating func valueAndGradient(parameters: AdaptMapParameters<Scalar>, batch: CandidateBatch<Scalar>)
    throws(AlignmentError) -> (value: Scalar, gradients: [MapGradient<Scalar>]) {
        var g = gradient ?? MapGradient(like: parameters.effective)
        var value = try loss.valueAndGradient(map: parameters.effective, batch: batch, into: &g)
        if penalty > 0 {
            let lambda = penalty
            var sum: Scalar = 0
            parameters.effective.weight.withUnsafeBufferPointer { w in
                parameters.stageOne.weight.withUnsafeBufferPointer { w1 in
                    g.weight.withUnsafeMutableBufferPointer { gw in
                        for k in 0..<w.count {
                            let d = w[k] - w1[k]
                            gw[k] += 2 * lambda * d
                            sum += d * d
                        }
                    }
                }
            }
            value += lambda * sum
        }
        gradient = g
        return (value, try parameters.pullback(g))
    }

    /// J alone.
    public mutating func value(parameters: AdaptMapParameters<Scalar>, batch: CandidateBatch<Scalar>)
    throws(AlignmentError) -> Scalar {
        try valueAndGradient(parameters: parameters, batch: batch).value
    }
}
