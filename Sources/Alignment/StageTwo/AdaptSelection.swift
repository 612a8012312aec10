/// What "best" means when stage two chooses among its candidates on the labeled queries' dev folds
/// (DESIGN.md, "Hybrid queries": which future queries the map must serve).
public enum AdaptSelectionObjective: String, Sendable, Hashable, Codable, CaseIterable {
    /// Future queries cite new documents: dev nDCG@10 on document-disjoint folds (dev queries share
    /// no relevant document with their fold's training queries).
    case newDocuments = "new-documents"
    /// Future queries cite the same documents (FAQ, support search): dev nDCG@10 on random folds.
    case recurring
    /// The best on random folds among the candidates whose document-disjoint dev nDCG@10 is at most
    /// a tolerance (``AdaptSettings/balancedTolerance``; by default 0 below stage one, 0.005 below the
    /// index as it is: ``AdaptSelection/tolerance(_:against:)``) below the reference's.
    case balanced
}

/// One map stage two considered, with its dev scores.
public struct AdaptCandidate: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// W = 0, V = I, b = 0: the index model's own query vectors.
        case indexAsIs = "index-as-is"
        /// The stage-one map alone (V = 0 in a hybrid).
        case stageOne = "stage-one"
        /// The label-free hybrid W = a W1, V = (1 - a) I, b = a b1.
        case mix
        /// A map trained on the fold's labels from the start map, read at `steps` steps.
        case trained
        /// (1 - t) f_start + t f_trained, f_trained a trained candidate (t: ``AdaptCandidate/interpolation``).
        case interpolated
    }

    public var kind: Kind
    /// a of a mix, and of the start a trained hybrid map began from (nil without index-model queries).
    public var alpha: Double?
    /// The penalty lambda a trained map used (nil otherwise).
    public var penalty: Double?
    /// Optimizer steps on the folds (0 for the label-free candidates).
    public var steps: Int
    /// t of an interpolated candidate (nil otherwise).
    public var interpolation: Double?
    /// Mean nDCG@10 over the dev queries of the document-disjoint folds (nil: those folds were not run).
    public var documentDisjointDevNDCG10: Double?
    /// Mean nDCG@10 over the dev queries of the random folds (nil: those folds were not run).
    public var randomDevNDCG10: Double?

    public init(
        kind: Kind, alpha: Double? = nil, penalty: Double? = nil, steps: Int = 0,
        documentDisjointDevNDCG10: Double? = nil, randomDevNDCG10: Double? = nil, interpolation: Double? = nil
    ) {
        self.kind = kind
        self.interpolation = interpolation
        self.alpha = alpha
        self.penalty = penalty
        self.steps = steps
        self.documentDisjointDevNDCG10 = documentDisjointDevNDCG10
        self.randomDevNDCG10 = randomDevNDCG10
    }

    /// A figure is named after its metric, as everywhere era writes one (`ndcg@10`).
    enum CodingKeys: String, CodingKey {
        case kind, alpha, penalty, steps
        case documentDisjointDevNDCG10 = "document_disjoint_dev_ndcg@10", randomDevNDCG10 = "random_dev_ndcg@10"
    }

    /// A short human-readable name, e.g. "trained (lambda 0.3, 120 steps)".
    public var label: String {
        switch kind {
        case .indexAsIs: "index as it is"
        case .stageOne: "stage one"
        case .mix: "mix (alpha \(alpha.map { "\($0)" } ?? "?"))"
        case .trained: "trained (lambda \(penalty.map { "\($0)" } ?? "?"), \(steps) steps)"
        case .interpolated:
            "interpolated (t \(interpolation.map { "\($0)" } ?? "?"), lambda \(penalty.map { "\($0)" } ?? "?"), \(steps) steps)"
        }
    }
}

/// The choice among candidates, given an objective (pure: tested on its own).
public enum AdaptSelection {
    /// `balanced` keeps a candidate only when its document-disjoint dev nDCG@10 is at most this far below
    /// the reference's, by default when the reference is the index as it is (index-model queries): a gain
    /// on recurring documents may not be bought with a loss on new ones.
    public static let balancedTolerance = 0.005
    /// The default tolerance when the reference is stage one (no index-model queries; a retired index
    /// model): no candidate below stage one on document-disjoint folds, as issue 20 asks of a map that
    /// must serve new documents alone. Chosen on the training queries only (600 to train, 209 held
    /// out, seeds 0/1/2; docs/upgrading.md): against 0.005, unseen +0.0027 / +0.0005 / +0.0003 and all
    /// -0.0056 / -0.0002 / -0.0019 on e5small / minilm / static, within the rule written beforehand.
    public static let stageOneBalancedTolerance = 0.0

    /// The tolerance `balanced` uses against a reference of kind `reference`: `settings`'
    /// ``AdaptSettings/balancedTolerance``, else ``stageOneBalancedTolerance`` against stage one and
    /// ``balancedTolerance`` otherwise.
    public static func tolerance(_ settings: AdaptSettings, against reference: AdaptCandidate.Kind) -> Double {
        settings.balancedTolerance ?? (reference == .stageOne ? stageOneBalancedTolerance : balancedTolerance)
    }

    /// ``choose(_:reference:objective:tolerance:)`` with ``tolerance(_:against:)`` the reference: the
    /// choice stage two makes.
    public static func choose(
        _ candidates: [AdaptCandidate], reference: Int, objective: AdaptSelectionObjective, settings: AdaptSettings
    ) -> Int {
        precondition(candidates.indices.contains(reference), "reference out of range")
        return choose(
            candidates, reference: reference, objective: objective,
            tolerance: tolerance(settings, against: candidates[reference].kind))
    }

    /// The index of the chosen candidate in `candidates`. `reference` is the index of the reference
    /// (the index as it is when index-model queries are given, else stage one); it wins every tie, and
    /// a candidate must beat it strictly to be chosen. Among other ties the earlier candidate wins
    /// (callers list label-free candidates first and trained ones by increasing steps).
    public static func choose(
        _ candidates: [AdaptCandidate], reference: Int,
        objective: AdaptSelectionObjective, tolerance: Double = balancedTolerance
    ) -> Int {
        precondition(candidates.indices.contains(reference), "reference out of range")
        func score(_ c: AdaptCandidate) -> Double? {
            switch objective {
            case .newDocuments: return c.documentDisjointDevNDCG10
            case .recurring, .balanced: return c.randomDevNDCG10
            }
        }
        let floor = (candidates[reference].documentDisjointDevNDCG10 ?? -.infinity) - tolerance
        var best = reference
        var bestScore = score(candidates[reference]) ?? -.infinity
        for (i, c) in candidates.enumerated() where i != reference {
            guard let s = score(c) else { continue }
            if objective == .balanced {
                guard let dd = c.documentDisjointDevNDCG10, dd >= floor else { continue }
            }
            if s > bestScore { (best, bestScore) = (i, s) }
        }
        return best
    }
}
