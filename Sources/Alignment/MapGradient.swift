import LinearAlgebra

/// The gradient of a scalar loss with respect to a map's parameters: same shapes as the map.
public struct MapGradient<Scalar: BLASScalar>: Sendable, Hashable {
    /// dL/dW, `m x p`.
    public var weight: DenseMatrix<Scalar>
    /// dL/db, `m` entries.
    public var bias: [Scalar]

    /// A zero gradient for maps of the given shape.
    public init(source p: Int, target m: Int) {
        weight = DenseMatrix(rows: m, columns: p)
        bias = [Scalar](repeating: 0, count: m)
    }

    /// A zero gradient shaped like `map`.
    public init(like map: AffineMap<Scalar>) { self.init(source: map.sourceDimension, target: map.targetDimension) }

    /// True when every entry is finite.
    public var isFinite: Bool { allFinite(weight) && allFinite(bias) }
}
