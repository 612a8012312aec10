import LinearAlgebra

/// Stage one's guardrail (DESIGN.md, "Stage one on anisotropic index models"): the refined map and the
/// closed-form Procrustes variants are measured on the held-out pairs with a measure that does not
/// saturate, and the best is returned.
///
/// The measure ranks each held-out pair's own target among *all* targets (training and held-out): on
/// an index whose vectors share one strong direction, top-1 among a few hundred held-out targets stays
/// near 1 while retrieval over the whole index falls, and the all-target rank sees it. Candidates are
/// compared by the mean reciprocal rank over all targets; the mean cosine is recorded beside it.
public struct GuardrailRecord: Sendable, Hashable, Codable {
    public struct Candidate: Sendable, Hashable, Codable {
        /// "refined", "procrustes-uncentred", "procrustes-centred" or "procrustes-centred-bias".
        public var name: String
        /// Mean of 1 / rank of each held-out pair's own target among all targets (ties count against it).
        public var meanReciprocalRank: Double
        /// Mean of that rank (1 is best).
        public var meanRank: Double
        /// Mean cosine between each mapped held-out source and its own target.
        public var meanCosine: Double
    }

    /// Every candidate measured, the refined map first.
    public var candidates: [Candidate]
    /// The returned candidate's name.
    public var chosen: String
    /// Why, in words (e.g. "refinement dropped: held-out MRR over all targets 0.41 < 0.47 of procrustes-uncentred").
    public var reason: String
}

extension AlignmentTrainer {
    /// Measures `refined` and the three Procrustes variants fitted on the training pairs; returns the
    /// best by all-target MRR (the refined map wins ties: it is listed first) and the record.
    /// - Complexity: two extra thin Procrustes fits plus O(h n m) scoring for h held-out of n pairs.
    func guardrail(
        refined: AffineMap<Float>, trainX: Matrix, trainY: Matrix, heldX: Matrix, heldRows: [Int],
        allTargets: Matrix
    ) throws(AlignmentError) -> (map: AffineMap<Float>, record: GuardrailRecord) {
        var uncentredSettings = configuration.procrustes, centredSettings = configuration.procrustes
        uncentredSettings.centering = .none
        centredSettings.centering = .mean
        let uncentred = try Procrustes.fit(source: trainX, target: trainY, settings: uncentredSettings).map
        let centredBias = try Procrustes.fit(source: trainX, target: trainY, settings: centredSettings).map
        var centred = centredBias
        centred.bias = [Float](repeating: 0, count: centred.targetDimension)
        let named: [(String, AffineMap<Float>)] = [
            ("refined", refined), ("procrustes-uncentred", uncentred), ("procrustes-centred", centred),
            ("procrustes-centred-bias", centredBias),
        ]
        var candidates = [GuardrailRecord.Candidate]()
        for (name, map) in named {
            candidates.append(
                try Self.allTargetRanks(
                    name: name, map: map, heldX: heldX, heldRows: heldRows,
                    allTargets: allTargets))
        }
        var best = 0
        for i in candidates.indices where candidates[i].meanReciprocalRank > candidates[best].meanReciprocalRank {
            best = i
        }
        let r = candidates[0], b = candidates[best]
        let reason =
            best == 0
            ? "refined map kept: held-out MRR over all \(allTargets.rows) targets \(rounded(r.meanReciprocalRank)) "
                + ">= every Procrustes variant's"
            : "refinement dropped: held-out MRR over all \(allTargets.rows) targets \(rounded(r.meanReciprocalRank)) "
                + "< \(rounded(b.meanReciprocalRank)) of \(b.name) (mean cosine \(rounded(r.meanCosine)) vs \(rounded(b.meanCosine)))"
        var map = named[best].1
        map.family = configuration.family
        try map.projectOntoFamily()
        return (map, GuardrailRecord(candidates: candidates, chosen: b.name, reason: reason))
    }

    /// Rank of each held-out source's own target (row `heldRows[i]` of `allTargets`, unit rows) among all rows.
    static func allTargetRanks(name: String, map: AffineMap<Float>, heldX: Matrix, heldRows: [Int], allTargets: Matrix)
        throws(AlignmentError) -> GuardrailRecord.Candidate
    {
        let h = heldX.rows, n = allTargets.rows, m = allTargets.columns
        let mapped = try map.applyNormalized(to: heldX)
        let block = 256
        var scores = [Float](repeating: 0, count: min(block, h) * n)
        var reciprocal = 0.0, rankSum = 0.0, cosine = 0.0
        mapped.withUnsafeBufferPointer { pz in
            allTargets.withUnsafeBufferPointer { pt in
                scores.withUnsafeMutableBufferPointer { ps in
                    for start in stride(from: 0, to: h, by: block) {
                        let rows = min(block, h - start)
                        BLAS.gemm(
                            .none, .transposed, m: rows, n: n, k: m, a: pz.baseAddress! + start * m, lda: m,
                            b: pt.baseAddress!, ldb: m, c: ps.baseAddress!, ldc: n)
                        for r in 0..<rows {
                            let row = ps.baseAddress! + r * n, own = heldRows[start + r]
                            let target = row[own]
                            var ahead = 0
                            for j in 0..<n where j != own && row[j] >= target { ahead += 1 }
                            reciprocal += 1 / Double(ahead + 1)
                            rankSum += Double(ahead + 1)
                            cosine += Double(target)
                        }
                    }
                }
            }
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
