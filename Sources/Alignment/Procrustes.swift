import LinearAlgebra

/// Orthogonal Procrustes from the LAPACK SVD of X^T Y, with the unbalanced refinement.
public enum Procrustes {
    /// Fits f(x) = W x + b with W orthonormal, minimizing ||X W^T + 1 b^T - Y||_F^2.
    ///
    /// M = Xc^T Yc (Xc, Yc centered per ``ProcrustesSettings/centering``), thin SVD M = U S V^T (?gesdd),
    /// W0 = V U^T: exact for p <= m. For p > m it only maximizes tr(W M); majorization (Kiers 1990)
    /// refines it: A = Xc^T Xc, lambda = its largest eigenvalue, C = M + (lambda I - A) W^T, W <- polar(C)^T.
    /// Every step lowers the objective or stops, so the result is never above the thin solution.
    /// The thin solution (no refinement, or p <= m) streams over row blocks (``fitStreaming(source:target:centering:blockRows:)``);
    /// the refinement runs in Double on the full centred inputs (``fitInMemory(source:target:settings:)``).
    /// b = mean(Y) - W mean(X) (0 without centering).
    /// - Throws: ``AlignmentError/empty(what:)`` for no rows, ``AlignmentError/shapeMismatch(operation:expected:got:)``
    ///   for different row counts, ``AlignmentError/nonFinite(what:)`` for NaN/infinity, LAPACK failures.
    /// - Complexity: O(n p m + p m^2) for the thin solution; O(n p^2 + p^3) once plus O(p^2 m + p m^2) per step.
    public static func fit(source x: Matrix, target y: Matrix, settings: ProcrustesSettings = ProcrustesSettings())
        throws(AlignmentError) -> ProcrustesFit
    {
        try validate(x, y, settings)
        // Without a refinement to run, the thin solution streams over row blocks (float32 gemm,
        // Double sums): no Double copy of the inputs, a third of the time (issue 13).
        if x.columns <= y.columns || settings.refinement == .none || settings.maxIterations == 0 {
            return try fitStreaming(source: x, target: y, centering: settings.centering)
        }
        return try fitInMemory(source: x, target: y, settings: settings)
    }

    /// The same fit computed on full Double copies of the centred inputs: the reference the streamed
    /// path is tested against, and the path of the refinement (which needs the full Xc).
    /// - Throws: as ``fit(source:target:settings:)``.
    /// - Complexity: as ``fit(source:target:settings:)``, in Double, with O(n (p + m)) extra memory.
    public static func fitInMemory(
        source x: Matrix, target y: Matrix, settings: ProcrustesSettings = ProcrustesSettings()
    ) throws(AlignmentError) -> ProcrustesFit {
        try validate(x, y, settings)
        let xc = CenteredMatrix(x, centering: settings.centering)
        let yc = CenteredMatrix(y, centering: settings.centering)
        let p = x.columns, m = y.columns
        let cross = try wrapLinearAlgebra { () throws(LinearAlgebraError) in
            try MatrixD.multiply(xc.values, yc.values, transA: .transposed)  // M = X^T Y, p x m
        }
        // T = W^T = polar(M) (p x m): orthonormal columns when p >= m, orthonormal rows when p < m.
        var t = try wrapLinearAlgebra { () throws(LinearAlgebraError) in try cross.polarFactor() }
        let yy = yc.values.frobeniusNormSquared
        let thinObjective = try residual(xc.values, yc.values, t)
        var iterations = 0
        var lastDecrease: Double? = nil
        if p > m, settings.refinement != .none, settings.maxIterations > 0 {
            let refined = try Majorization.refine(
                x: xc.values, cross: cross, start: t, yy: yy, accelerated: settings.refinement == .accelerated,
                tolerance: settings.tolerance, maxIterations: settings.maxIterations)
            t = refined.t
            iterations = refined.iterations
            lastDecrease = refined.lastRelativeDecrease
        }
        let weight = t.transposed  // m x p
        let bias = Self.bias(weight: weight, meanX: xc.mean, meanY: yc.mean, centering: settings.centering)
        let mapD = AffineMap<Double>(unchecked: weight, bias: bias, family: .orthogonal)
        return ProcrustesFit(
            map: mapD.converted(to: Float.self), mapD: mapD, thinObjective: thinObjective,
            objective: try residual(xc.values, yc.values, t), iterations: iterations,
            lastRelativeDecrease: lastDecrease)
    }

    private static func validate(_ x: Matrix, _ y: Matrix, _ settings: ProcrustesSettings) throws(AlignmentError) {
        guard x.rows == y.rows else {
            throw .shapeMismatch(operation: "Procrustes", expected: "\(x.rows) target rows", got: "\(y.rows)")
        }
        guard x.rows > 0, x.columns > 0, y.columns > 0 else { throw .empty(what: "Procrustes input") }
        guard allFinite(x) else { throw .nonFinite(what: "Procrustes source") }
        guard allFinite(y) else { throw .nonFinite(what: "Procrustes target") }
        guard settings.maxIterations >= 0, settings.tolerance >= 0 else {
            throw .invalidParameter(name: "Procrustes settings", value: "\(settings)", reason: "negative limit")
        }
    }

    /// ||X W^T + 1 b^T - Y||_F^2 in Double, computed directly (not by the trace identity).
    /// - Complexity: O(n p m).
    public static func objective(map: AffineMap<Double>, source x: MatrixD, target y: MatrixD)
        throws(AlignmentError) -> Double
    {
        guard y.rows == x.rows, y.columns == map.targetDimension else {
            throw .shapeMismatch(
                operation: "Procrustes.objective", expected: "target \(x.rows) x \(map.targetDimension)",
                got: "\(y.shape)")
        }
        let mapped = try map.apply(to: x)
        return (mapped - y).frobeniusNormSquared
    }

    /// ||X T - Y||_F^2 for T = W^T (p x m).
    static func residual(_ x: MatrixD, _ y: MatrixD, _ t: MatrixD) throws(AlignmentError) -> Double {
        var r = y
        try wrapLinearAlgebra { () throws(LinearAlgebraError) in try r.addProduct(x, t, alpha: 1, beta: -1) }
        return r.frobeniusNormSquared
    }
}
