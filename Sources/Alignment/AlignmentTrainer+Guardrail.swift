import LinearAlgebra

/// Stage one's guardrail (DESIGN.md, "Stage one on anisotropic index models"): the refined map and the
/// closed-form Procrustes variants are measured on the held-out pairs, and the best is returned.
///
/// The measure is the mean rank of each held-out pair's own target among *all* targets (training and
/// held-out), lower is better. The mean reciprocal rank of that rank saturates: on an anisotropic
/// index (e5-style models) it stays at 0.97 for maps whose retrieval differs by 0.06 nDCG@10, because
/// it only rewards the pairs that are already first. The mean rank weighs the pairs a map places badly,
/// and on SciFact it drops the refinement where the training queries' nDCG@10 says it hurts (e5small
/// index) and keeps it where it helps (static, minilm; docs/alignment.md). The MRR and the mean cosine
/// are recorded beside it.
public struct GuardrailRecord: Sendable, Hashable, Codable {
    public struct Candidate: Sendable, Hashable, Codable {
        /// "refined", "procrustes-uncentred", "procrustes-centred", "procrustes-centred-bias", (with
        /// ``ProcrustesSettings/whitening`` above 0) "procrustes-whitened", or a copy of the last of
        /// these scaled by one of ``ProcrustesSettings/guardrailScales`` ("procrustes-whitened-scaled-0.71").
        public var name: String
        /// Mean of 1 / rank of each held-out pair's own target among all targets (ties count against it).
        public var meanReciprocalRank: Double
        /// Mean of that rank (1 is best): the choosing measure.
        public var meanRank: Double
        /// Mean cosine between each mapped held-out source and its own target.
        public var meanCosine: Double

        enum CodingKeys: String, CodingKey {
            case name, meanReciprocalRank = "mean_reciprocal_rank", meanRank = "mean_rank", meanCosine = "mean_cosine"
        }
    }

    /// Every candidate measured, the refined map first.
    public var candidates: [Candidate]
    /// The returned candidate's name.
    public var chosen: String
    /// True when the chosen candidate is a Procrustes variant, fitted again on every pair (training and
    /// held-out) once chosen: a closed form has no setting left to pick, so the held-out pairs add data
    /// and choose nothing. The measures above are the training-pairs fit's. nil otherwise.
    public var refittedOnAllPairs: Bool? = nil
    /// Why, in words (e.g. "refinement dropped: held-out mean rank over all 5183 targets 1.18 > 1.08 of
    /// procrustes-centred-bias").
    public var reason: String

    enum CodingKeys: String, CodingKey {
        case candidates, chosen, refittedOnAllPairs = "refitted_on_all_pairs", reason
    }
}

/// The closed-form maps stage one needs, from one pass over the training pairs where possible: the
/// warm start (``AlignmentConfiguration/procrustes`` settings) and the guardrail's uncentred and
/// centred thin fits. Streamed (``Procrustes/fitStreaming(source:target:centerings:measureObjective:blockRows:)``)
/// unless a refinement is asked for, which needs the sources in memory.
struct ProcrustesVariants {
    /// Above this many training pairs the warm start's objective is not measured: it takes a second
    /// pass over the inputs as long as the fit itself (the log leaves it out).
    static let objectivePairLimit = 20_000

    /// The warm start and what the log records of it (objectives nil when not measured).
    struct WarmStart {
        var map: AffineMap<Float>
        var thinObjective: Double?
        var objective: Double?
        var iterations: Int
    }

    var warmStart: WarmStart?
    var uncentred: AffineMap<Float>?
    var centredBias: AffineMap<Float>?
    /// With ``ProcrustesSettings/whitening`` above 0: the whitened fit, which is then the warm start too.
    var whitened: AffineMap<Float>?

    static func fit(
        sources: RowSelection, targets: Matrix, settings: ProcrustesSettings, warmStart: Bool, guardrail: Bool
    ) throws(AlignmentError) -> ProcrustesVariants {
        var result = ProcrustesVariants()
        var warmStart = warmStart
        let y = RowSelection(targets)
        // The whitened fit's pass, kept when it is centred: the plain thin fits read the same Xcᵀ Yc from it.
        var centredPass: CrossCovariance? = nil
        if settings.whitening > 0 {
            let pass = try Procrustes.whitenedPass(source: sources, target: y, centering: settings.centering)
            let whitened = try Procrustes.whitenedFit(
                pass, source: sources, target: y, exponent: settings.whitening,
                measureObjective: warmStart && sources.count <= objectivePairLimit)
            if pass.centering == .mean { centredPass = pass }
            result.whitened = whitened.map
            if warmStart {
                result.warmStart = WarmStart(
                    map: whitened.map, thinObjective: whitened.objective, objective: whitened.objective, iterations: 0)
                warmStart = false
            }
        }
        let refines = sources.columns > targets.columns && settings.refinement != .none && settings.maxIterations > 0
        if refines && (warmStart || guardrail) {
            // The refinement (opt-in) holds the centred sources in Double anyway: copy them.
            let x = sources.gathered()
            if warmStart {
                let fit = try Procrustes.fit(source: x, target: targets, settings: settings)
                result.warmStart = WarmStart(
                    map: fit.map, thinObjective: fit.thinObjective, objective: fit.objective, iterations: fit.iterations
                )
            }
            if guardrail {
                var uncentred = settings, centred = settings
                uncentred.centering = .none
                centred.centering = .mean
                result.uncentred = try Procrustes.fit(source: x, target: targets, settings: uncentred).map
                result.centredBias = try Procrustes.fit(source: x, target: targets, settings: centred).map
            }
            return result
        }
        var centerings: Set<Centering> = guardrail ? [.none, .mean] : []
        if warmStart { centerings.insert(settings.centering) }
        if centerings.isEmpty { return result }
        let measure = warmStart && sources.count <= objectivePairLimit
        let fits: [Centering: Procrustes.StreamedFit]
        if let centredPass {
            fits = try Procrustes.thinFits(
                centredPass, source: sources, target: y, centerings: centerings, measureObjective: measure)
        } else {
            fits = try Procrustes.fitStreaming(
                source: sources, target: y, centerings: centerings, measureObjective: measure)
        }
        if warmStart, let fit = fits[settings.centering] {
            result.warmStart = WarmStart(
                map: fit.map, thinObjective: fit.objective, objective: fit.objective, iterations: 0)
        }
        if guardrail {
            result.uncentred = fits[.none]!.map
            result.centredBias = fits[.mean]!.map
        }
        return result
    }
}

extension AlignmentTrainer {
    /// At most this many held-out pairs are ranked by the guardrail, each among at most
    /// ``guardrailTargetLimit`` targets (all held-out ones and a seeded sample of the training ones):
    /// ranking 10,000 held-out pairs among 100,000 targets of 1024-d is 2 TFLOP per candidate map.
    /// SciFact-sized data (5,183 pairs) is ranked among all its targets.
    static let guardrailPairLimit = 2_000
    static let guardrailTargetLimit = 20_000

    /// Measures `refined` and the Procrustes variants fitted on the training pairs (three plain ones, and the
    /// whitened fit with ``ProcrustesSettings/whitening`` above 0); returns the
    /// best by the mean rank of each held-out pair's target among all targets (or the bounded sample
    /// above; the refined map wins ties: it is listed first) and the record.
    /// - Complexity: O(h t m) scoring for h held-out pairs among t targets, per candidate.
    func guardrail(
        refined: AffineMap<Float>, variants: ProcrustesVariants, trainX: RowSelection, heldX: RowSelection,
        heldY: Matrix, trainY: Matrix
    ) throws(AlignmentError) -> (map: AffineMap<Float>, record: GuardrailRecord) {
        let uncentred = variants.uncentred!, centredBias = variants.centredBias!
        var named: [(String, AffineMap<Float>)] = [
            ("refined", refined), ("procrustes-uncentred", uncentred),
            ("procrustes-centred", Self.withoutBias(centredBias)), ("procrustes-centred-bias", centredBias),
        ]
        if let whitened = variants.whitened { named.append(("procrustes-whitened", whitened)) }
        named += scaledCandidates(of: named.last!, center: trainX.columnMeans())
        // Bounded queries and candidates (seeded; all of them on small data).
        var generator = SplitMix64(seed: configuration.seed, stream: .guardrail)
        let h = heldY.rows
        let queryPositions =
            h > Self.guardrailPairLimit ? generator.sample(Self.guardrailPairLimit, from: h) : Array(0..<h)
        let queries = heldX.selecting(queryPositions)
        let queryTargets = h > Self.guardrailPairLimit ? heldY.gatherRows(queryPositions) : heldY
        let trainBudget = max(0, Self.guardrailTargetLimit - queryTargets.rows)
        let others =
            trainY.rows > trainBudget
            ? trainY.gatherRows(generator.sample(trainBudget, from: trainY.rows)) : trainY
        let total = others.rows + queryTargets.rows
        let scope = total == trainY.rows + h ? "all \(total) targets" : "\(total) targets (a seeded sample)"
        var candidates = [GuardrailRecord.Candidate]()
        for (name, map) in named {
            candidates.append(
                try Self.ranks(name: name, map: map, queries: queries, ownTargets: queryTargets, otherTargets: others))
        }
        var best = 0
        for i in candidates.indices where candidates[i].meanRank < candidates[best].meanRank {
            best = i
        }
        let r = candidates[0], b = candidates[best]
        let reason =
            best == 0
            ? "refined map kept: held-out mean rank over \(scope) \(rounded(r.meanRank)) "
                + "<= every Procrustes variant's"
            : "refinement dropped: held-out mean rank over \(scope) \(rounded(r.meanRank)) "
                + "> \(rounded(b.meanRank)) of \(b.name) (MRR \(rounded(r.meanReciprocalRank)) vs "
                + "\(rounded(b.meanReciprocalRank)))"
        var map = named[best].1
        map.family = configuration.family
        try map.projectOntoFamily()
        return (map, GuardrailRecord(candidates: candidates, chosen: b.name, reason: reason))
    }

    /// The Procrustes variant `name` (a ``GuardrailRecord/Candidate/name``) fitted on `sources` and
    /// `targets` (unit rows); nil for "refined".
    func procrustesVariant(_ name: String, sources: RowSelection, targets: Matrix) throws(AlignmentError)
        -> AffineMap<Float>?
    {
        guard name.hasPrefix("procrustes-") else { return nil }
        if let (base, scale) = Self.scaledCandidate(name) {
            guard let fit = try procrustesVariant(base, sources: sources, targets: targets) else { return nil }
            return fit.scaled(by: Float(scale), about: sources.columnMeans())
        }
        var map: AffineMap<Float>
        var plain = configuration.procrustes
        if name == "procrustes-whitened" {
            map = try Procrustes.fitWhitened(
                source: sources, target: RowSelection(targets), exponent: plain.whitening, centering: plain.centering
            ).map
        } else {
            // Only the plain fits: the whitened one costs an eigendecomposition of the p x p Gram matrix.
            plain.whitening = 0
            let fits = try ProcrustesVariants.fit(
                sources: sources, targets: targets, settings: plain, warmStart: false, guardrail: true)
            switch name {
            case "procrustes-uncentred": map = fits.uncentred!
            case "procrustes-centred": map = Self.withoutBias(fits.centredBias!)
            default: map = fits.centredBias!
            }
        }
        map.family = configuration.family
        try map.projectOntoFamily()
        return map
    }

    /// The guardrail's scaled copies of `fit` (the last Procrustes variant with a bias: the whitened
    /// fit, else the centred one), one per ``ProcrustesSettings/guardrailScales`` other than 1, scaled
    /// about the training sources' mean; none for the orthogonal family, which would undo the scale.
    private func scaledCandidates(of fit: (String, AffineMap<Float>), center: [Float]) -> [(String, AffineMap<Float>)] {
        guard configuration.family == .linear else { return [] }
        return configuration.procrustes.guardrailScales.filter { $0 != 1 }.map { scale in
            ("\(fit.0)\(Self.scaleSuffix)\(scale)", fit.1.scaled(by: Float(scale), about: center))
        }
    }

    /// Scaled candidates are named `<variant>-scaled-<s>`, e.g. "procrustes-whitened-scaled-0.71".
    static let scaleSuffix = "-scaled-"

    /// The variant and scale of a scaled candidate's name; nil for any other name.
    static func scaledCandidate(_ name: String) -> (variant: String, scale: Double)? {
        guard let range = name.range(of: scaleSuffix, options: .backwards),
            let scale = Double(name[range.upperBound...]), scale.isFinite, scale > 0
        else { return nil }
        return (String(name[..<range.lowerBound]), scale)
    }

    private static func withoutBias(_ map: AffineMap<Float>) -> AffineMap<Float> {
        var map = map
        map.bias = [Float](repeating: 0, count: map.targetDimension)
        return map
    }

    /// Rank of each query's own target (row i of `ownTargets`, unit rows) among `ownTargets` and
    /// `otherTargets` (a rank is 1 + the number of other targets scoring at least as high).
    static func ranks(
        name: String, map: AffineMap<Float>, queries: RowSelection, ownTargets: Matrix, otherTargets: Matrix
    ) throws(AlignmentError) -> GuardrailRecord.Candidate {
        let h = queries.count
        let mapped = try map.applyNormalized(to: queries.gathered())
        var reciprocal = 0.0, rankSum = 0.0, cosine = 0.0
        var ahead = [Int](repeating: 0, count: h), own = [Float](repeating: 0, count: h)
        // The own block first: it gives each query's own score.
        for (block, isOwn) in [(ownTargets, true), (otherTargets, false)] where block.rows > 0 {
            scoreInBlocks(mapped, block, blockRows: 256) { start, rows, scores, n in
                for r in 0..<rows {
                    let q = start + r, row = scores + r * n
                    if isOwn { own[q] = row[q] }
                    let target = own[q]
                    var count = 0
                    for j in 0..<n where !(isOwn && j == q) && row[j] >= target { count += 1 }
                    ahead[q] += count
                }
            }
        }
        for q in 0..<h {
            reciprocal += 1 / Double(ahead[q] + 1)
            rankSum += Double(ahead[q] + 1)
            cosine += Double(own[q])
        }
        let count = Double(max(h, 1))
        return .init(
            name: name, meanReciprocalRank: reciprocal / count, meanRank: rankSum / count,
            meanCosine: cosine / count)
    }
}

private func rounded(_ x: Double) -> String {
    let scaled = (x * 10_000).rounded() / 10_000
    return "\(scaled)"
}
