import LinearAlgebra

/// Stage two's training objective as a function of a family's parameters:
/// J = InfoNCE(f; batch) + lambda ||W - W1||_F^2, f = (W, b) the map the parameters define.
///
/// The loss runs on the family's ``AdaptMapParameters/lossMap`` and ``AdaptMapParameters/lossInputs(_:)``;
/// the penalty's gradient is added there, then everything is pulled back to the parameters by
/// ``AdaptMapParameters/pullback(_:)``. AdaptGradientTests checks the whole chain against finite
/// differences in Double for every family.
public struct AdaptObjective<Scalar: BLASScalar>: Sendable {
    public var loss: AdaptContrastiveLoss<Scalar>
    /// lambda >= 0.
    public var penalty: Scalar
    private var gradient: MapGradient<Scalar>?

    public init(loss: AdaptContrastiveLoss<Scalar>, penalty: Scalar) {
        self.loss = loss
        self.penalty = penalty
    }

    /// J and dJ/d(parameters) at `parameters` (which must be refreshed); `batch.sources` are query embeddings.
    /// - Complexity: the loss's plus the penalty's and the family's pullback.
    public mutating func valueAndGradient(parameters: AdaptMapParameters<Scalar>, batch: CandidateBatch<Scalar>)
        throws(AlignmentError) -> (value: Scalar, gradients: [MapGradient<Scalar>])
    {
        var inputs = batch
        inputs.sources = try parameters.lossInputs(batch.sources)
        var g =
            gradient.flatMap { $0.weight.shape == parameters.lossMap.weight.shape ? $0 : nil }
            ?? MapGradient(like: parameters.lossMap)
        var value = try loss.valueAndGradient(map: parameters.lossMap, batch: inputs, into: &g)
        gradient = g
        if case .rotation = parameters.family, penalty == 0 {
            // dL/dR = dU^T F has rank <= B: pulled back in O(B m^2) instead of O(m^3).
            let du = loss.outputGradient(rows: inputs.count, columns: parameters.lossMap.targetDimension)
            return (value, try parameters.pullback(outputGradient: du, inputs: inputs.sources))
        }
        value += try parameters.addPenalty(penalty, to: &g)
        gradient = g
        return (value, try parameters.pullback(g))
    }

    /// J alone.
    public mutating func value(parameters: AdaptMapParameters<Scalar>, batch: CandidateBatch<Scalar>)
        throws(AlignmentError) -> Scalar
    {
        try valueAndGradient(parameters: parameters, batch: batch).value
    }
}
