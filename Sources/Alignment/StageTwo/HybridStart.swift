/// Where stage two's trained hybrid candidates begin: the label-free mix W = a W1, V = (1 - a) I, b = a b1
/// at one a, which is also the hard-negative teacher.
///
/// A trained candidate rarely ends far from its start on document-disjoint folds (it learns the
/// labeled queries' documents, which new queries do not cite). So under the `balanced` objective a
/// start that the objective's own floor rejects yields candidates that are rejected too, and the
/// index as it is comes back however much the labels help on recurring documents. That happens
/// when stage one is weak, e.g. an unpaired stage one from disjoint texts (docs/alignment.md).
///
/// The rule, applied only under `balanced` and only when a is not set: the default a
/// (``AdaptSettings/defaultHybridAlpha``) when the floor admits its mix; else the largest compared
/// a below it whose mix the floor admits; else the smallest compared a above 0, the mix closest to
/// the index as it is that still uses the new model. It reads dev folds of the labeled (training)
/// queries only. With a strong stage one the default is admitted and nothing changes.
public struct HybridStart: Sendable, Hashable, Codable {
    /// The a trained candidates start from.
    public var alpha: Double
    /// Why this a, for the log and the report.
    public var reason: Reason

    public enum Reason: String, Sendable, Hashable, Codable {
        /// a was set (`alpha`).
        case requested
        /// The default a (its mix is admitted, or the objective is not `balanced`).
        case defaultAlpha = "default"
        /// The default's mix is below the floor; the largest admitted smaller a.
        case largestAdmitted = "largest-admitted"
        /// No mix is admitted; the smallest compared a above 0.
        case smallestMix = "smallest-mix"
    }

    public init(alpha: Double, reason: Reason) {
        self.alpha = alpha
        self.reason = reason
    }

    /// The start for `objective`, given the label-free candidates scored on the dev folds (the
    /// reference, the index as it is, first; empty when no dev folds ran).
    public static func choose(
        requested: Double?, objective: AdaptSelectionObjective?, labelFree: [AdaptCandidate],
        tolerance: Double = AdaptSelection.balancedTolerance
    ) -> HybridStart {
        if let requested { return HybridStart(alpha: requested, reason: .requested) }
        let fallback = HybridStart(alpha: AdaptSettings.defaultHybridAlpha, reason: .defaultAlpha)
        guard objective == .balanced, let reference = labelFree.first?.documentDisjointDevNDCG10 else {
            return fallback
        }
        let floor = reference - tolerance
        let mixes = labelFree.compactMap { c -> (alpha: Double, admitted: Bool)? in
            guard let a = c.alpha, a > 0, a < 1, let dd = c.documentDisjointDevNDCG10 else { return nil }
            return (a, dd >= floor)
        }
        // A default that was not compared cannot be judged: kept as it is.
        guard let own = mixes.first(where: { $0.alpha == fallback.alpha }), !own.admitted else { return fallback }
        if let below = mixes.filter({ $0.admitted && $0.alpha < fallback.alpha }).max(by: { $0.alpha < $1.alpha }) {
            return HybridStart(alpha: below.alpha, reason: .largestAdmitted)
        }
        if let smallest = mixes.min(by: { $0.alpha < $1.alpha }) {
            return HybridStart(alpha: smallest.alpha, reason: .smallestMix)
        }
        return fallback
    }
}
