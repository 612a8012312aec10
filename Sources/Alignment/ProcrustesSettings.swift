/// Settings of the orthogonal Procrustes warm start.
public struct ProcrustesSettings: Sendable, Hashable, Codable {
    /// Centering (default `.mean`: the choice that survives an anisotropic model; see ``Centering``).
    public var centering: Centering
    /// Whether to refine the thin solution when p > m (it is already exact when p <= m).
    public var refinement: Refinement
    /// Stop when the relative decrease of the objective in one step falls below this.
    public var tolerance: Double
    /// At most this many refinement steps.
    public var maxIterations: Int
    /// Exponent a of the partial whitening of the sources, in [0, 1]: 0 is plain orthogonal Procrustes;
    /// above 0 the warm start is ``Procrustes/fitWhitened(source:target:exponent:centering:measureObjective:blockRows:)``
    /// (a linear map, not orthogonal) and the guardrail measures it beside the plain variants (which a
    /// ``refinement`` still refines).
    public var whitening: Double = 0
    /// Scales s of the warm start's centred part that the guardrail measures beside s = 1:
    /// f_s(x) = s W (x - mean x) + f(mean x), ``AffineMap/scaled(by:about:)``. Under cosine scoring s
    /// weighs each query's own direction against the index's mean direction, which an anisotropic
    /// index model shares across its documents. Empty: s = 1 alone.
    public var guardrailScales: [Double] = []

    /// How the unbalanced (p > m) problem is refined from the thin solution.
    public enum Refinement: String, Sendable, Hashable, Codable, CaseIterable {
        /// The thin solution V U^T (exact only for p <= m or whitened sources).
        case none
        /// Kiers (1990) majorization, step for step as the numpy peer (`peer.py procrustes --exact`).
        case majorization
        /// Majorization accelerated by Barzilai-Borwein steps: each step first tries the projected
        /// gradient step of BB length and keeps it only if the objective does not rise; otherwise it
        /// takes the plain majorization step (which never rises). Same fixed points, far fewer steps.
        case accelerated
    }

    /// Defaults: centered, thin solution (no refinement: on SciFact it lowers the least-squares objective
    /// but not retrieval quality, and costs 10-250 s; docs/alignment.md), tolerance 1e-9, 1000 steps.
    public init(
        centering: Centering = .mean, refinement: Refinement = .none, tolerance: Double = 1e-9,
        maxIterations: Int = 1000, whitening: Double = 0, guardrailScales: [Double] = []
    ) {
        self.centering = centering
        self.refinement = refinement
        self.tolerance = tolerance
        self.maxIterations = maxIterations
        self.whitening = whitening
        self.guardrailScales = guardrailScales
    }

    private enum CodingKeys: String, CodingKey {
        case centering, refinement, tolerance, maxIterations, whitening, guardrailScales
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        centering = try c.decode(Centering.self, forKey: .centering)
        refinement = try c.decode(Refinement.self, forKey: .refinement)
        tolerance = try c.decode(Double.self, forKey: .tolerance)
        maxIterations = try c.decode(Int.self, forKey: .maxIterations)
        whitening = try c.decodeIfPresent(Double.self, forKey: .whitening) ?? 0
        guardrailScales = try c.decodeIfPresent([Double].self, forKey: .guardrailScales) ?? []
    }

    /// `whitening` and `guardrailScales` are written only when set, so that the records (and hashes) of
    /// plain Procrustes stay as they were.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(centering, forKey: .centering)
        try c.encode(refinement, forKey: .refinement)
        try c.encode(tolerance, forKey: .tolerance)
        try c.encode(maxIterations, forKey: .maxIterations)
        if whitening != 0 { try c.encode(whitening, forKey: .whitening) }
        if !guardrailScales.isEmpty { try c.encode(guardrailScales, forKey: .guardrailScales) }
    }
}
