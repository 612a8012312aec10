import LinearAlgebra

/// The result of ``Procrustes/fit(source:target:settings:)``.
public struct ProcrustesFit: Sendable {
    /// The map, family ``MapFamily/orthogonal``: orthonormal rows (p >= m) or columns (p < m).
    public var map: AffineMap<Float>
    /// The same map in Double (what the objective was computed with).
    public var mapD: AffineMap<Double>
    /// ||X W0^T + b0 - Y||_F^2 of the thin solution, in Double.
    public var thinObjective: Double
    /// ||X W^T + b - Y||_F^2 of the returned map, in Double (<= thinObjective up to rounding).
    public var objective: Double
    /// Refinement steps taken (0 without refinement or when p <= m).
    public var iterations: Int
    /// Relative decrease of the last step (nil without refinement); >= tolerance: stopped by the step limit.
    public var lastRelativeDecrease: Double?
}
