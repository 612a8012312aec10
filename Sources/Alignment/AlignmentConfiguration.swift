import EmbeddingIO
import Foundation

/// Every setting of stage one (align without labels), with era's defaults.
///
/// Codable so a run records exactly what it did (the training log, the adapter's config hash)
/// and a pipeline file can set any field by name.
public struct AlignmentConfiguration: Sendable, Hashable, Codable {
    /// Where training starts.
    public enum WarmStart: String, Sendable, Hashable, Codable, CaseIterable {
        /// Orthogonal Procrustes on the training pairs (``Procrustes``), default.
        case procrustes
        /// The rectangular identity, zero bias.
        case identity
        /// PyTorch's `nn.Linear` start (ERA's published code), seeded.
        case random
    }

    /// The training objective.
    public enum Loss: String, Sendable, Hashable, Codable, CaseIterable {
        /// ``InfoNCELoss`` (contrastive), default.
        case infonce
        /// ``CosineLoss``: ERA's published objective.
        case cosine
        /// ``MSELoss``.
        case mse
    }

    /// The negatives of InfoNCE.
    public enum Negatives: String, Sendable, Hashable, Codable, CaseIterable {
        /// ``all`` up to ``AlignmentConfiguration/allNegativesLimit`` training pairs, ``pooled`` above
        /// (default): every target costs a `B x n` gemm per batch, so an epoch grows with n^2.
        case auto
        /// The batch's other targets.
        case inBatch = "in-batch"
        /// The batch's other targets plus ``AlignmentConfiguration/negativePool`` training targets drawn
        /// afresh for each batch (none of the batch's own): cost independent of n.
        case pooled
        /// Every training target (one `B x n` gemm per batch).
        case all
    }

    /// Above this many training pairs, ``Negatives/auto`` draws a pool instead of using every target.
    /// An epoch costs about 4 n m (p + c) flops for c candidates per batch: with every target (c = n)
    /// at 8,192 pairs that is already 2.3x (p = 4096) to 4.4x (p = 768) the cost with a pool of 1,024
    /// (c = B + 1,024), and it grows with n^2. On SciFact both sides score alike (docs/alignment.md).
    public static let allNegativesLimit = 8_192

    /// The optimizer.
    public enum Optimizer: String, Sendable, Hashable, Codable, CaseIterable {
        case adam
        /// Decoupled weight decay (``weightDecay``; ERA's published setting is 0.01).
        case adamw
    }

    /// What "better" means for early stopping and for choosing the returned epoch.
    public enum StoppingMetric: String, Sendable, Hashable, Codable, CaseIterable {
        /// The training loss on the held-out pairs (lower is better).
        case loss
        /// Mean reciprocal rank of each held-out pair's own target among all held-out targets.
        case mrr
    }

    public var warmStart: WarmStart = .procrustes
    /// Settings of the Procrustes warm start: centered (robust to anisotropic models), thin SVD solution,
    /// half-whitened sources (``defaultWhitening``). The majorization refinement lowers the
    /// least-squares objective but, on SciFact, not retrieval quality, and costs 10-250 s
    /// (docs/alignment.md); it is one setting away.
    public var procrustes = ProcrustesSettings(whitening: defaultWhitening, guardrailScales: defaultGuardrailScales)

    /// Stage one's default ``ProcrustesSettings/whitening``: 0.5, chosen on the SciFact training queries
    /// only (rule written before the runs): over seeds 0/1/2 it beat plain Procrustes (0) for all three
    /// index models, on every pair (e5small +0.012 nDCG@10, minilm +0.007, static +0.014) and on a
    /// 1,000-pair sample (+0.010 to +0.012) (docs/alignment.md, "Whitened warm start").
    public static let defaultWhitening = 0.5
    /// Stage one's default ``ProcrustesSettings/guardrailScales``: the warm start scaled by 0.71 and 1.41
    /// (one step of sqrt 2 either way) is measured beside it. Chosen on the SciFact training queries only
    /// (rule written before the runs; a first grid of 0.5, 0.71, 1.41, 2 failed it on a 1,000-pair
    /// sample): over seeds 0/1/2, with every pair, e5small +0.010 nDCG@10, minilm level, static +0.032;
    /// with 1,000 pairs level, level, +0.007 (docs/alignment.md, "Scaled warm start").
    public static let defaultGuardrailScales = [0.71, 1.41]
    /// `.orthogonal` keeps W orthonormal during training (a polar retraction after every step).
    public var family: MapFamily = .linear
    public var loss: Loss = .infonce
    /// InfoNCE softmax temperature tau > 0.
    public var temperature: Double = 0.05
    /// Default `.auto`: every target on SciFact-sized data, where it matched or beat in-batch negatives with a
    /// quarter of the spread over seeds; a pool at scale.
    public var negatives: Negatives = .auto
    /// Targets drawn per batch by ``Negatives/pooled`` (and ``Negatives/auto`` at scale).
    public var negativePool = 1024
    /// Adds InfoNCE's target-to-source term.
    public var symmetric = false
    public var optimizer: Optimizer = .adam
    public var learningRate: Double = 1e-3
    /// Weight decay (AdamW: decoupled; Adam: L2). 0 turns it off.
    public var weightDecay: Double = 0

    /// The weight decay used when a front end (CLI flag, pipeline key) leaves it unset: ERA's
    /// published 0.01 for AdamW, none for Adam.
    public static func defaultWeightDecay(for optimizer: Optimizer) -> Double {
        optimizer == .adamw ? 0.01 : 0
    }
    /// Passes over the training pairs (0: the warm start alone).
    public var epochs = 5
    public var batchSize = 256
    /// Fraction of the pairs held out from training, for early stopping and the report (0 <= f < 1).
    public var heldOutFraction = 0.1
    public var stoppingMetric: StoppingMetric = .loss
    /// Stop after this many epochs without a held-out improvement (0: never stop early). The map of
    /// the best epoch is returned whenever pairs are held out.
    public var patience = 2
    /// Seeds the held-out split, the shuffles and the random start (independent streams).
    public var seed: UInt64 = 0
    /// Reshuffle the training pairs every epoch (false: file order, for replaying a trajectory).
    public var shuffle = true
    /// Default true: measure the refined map and the Procrustes variants (uncentred, centred, centred with a
    /// bias, and the whitened fit when ``ProcrustesSettings/whitening`` is above 0) on the held-out pairs by the mean rank of each pair's target among all targets, and return the
    /// best, a Procrustes variant fitted again on every pair (``GuardrailRecord`` in the log). Needs held-out pairs (``heldOutFraction`` > 0); false returns the
    /// best epoch's map as before. Valid values: true, false.
    public var guardrail = true

    public init() {}

    private enum CodingKeys: String, CodingKey {
        case warmStart, procrustes, family, loss, temperature, negatives, negativePool, symmetric, optimizer,
            learningRate,
            weightDecay, epochs, batchSize, heldOutFraction, stoppingMetric, patience, seed, shuffle, guardrail
    }

    /// Decodes the keys that are present; every missing key keeps its default, so a config file
    /// (or a pipeline stage) names only what it changes.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func read<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
            if let decoded = try c.decodeIfPresent(T.self, forKey: key) { value = decoded }
        }
        try read(.warmStart, &warmStart)
        try read(.procrustes, &procrustes)
        try read(.family, &family)
        try read(.loss, &loss)
        try read(.temperature, &temperature)
        try read(.negatives, &negatives)
        try read(.negativePool, &negativePool)
        try read(.symmetric, &symmetric)
        try read(.optimizer, &optimizer)
        try read(.learningRate, &learningRate)
        try read(.weightDecay, &weightDecay)
        try read(.epochs, &epochs)
        try read(.batchSize, &batchSize)
        try read(.heldOutFraction, &heldOutFraction)
        try read(.stoppingMetric, &stoppingMetric)
        try read(.patience, &patience)
        try read(.seed, &seed)
        try read(.shuffle, &shuffle)
        try read(.guardrail, &guardrail)
    }

    /// Throws ``AlignmentError/invalidParameter(name:value:reason:)`` for the first setting out of
    /// its declared range (``settings``), or a negative weight decay or Procrustes tolerance.
    public func validate() throws(AlignmentError) {
        if let (setting, message) = problems().first {
            throw .invalidParameter(name: setting.key, value: setting.text(self), reason: message)
        }
        guard weightDecay.isFinite, weightDecay >= 0 else {
            throw .invalidParameter(name: "weight_decay", value: "\(weightDecay)", reason: "expected a number >= 0")
        }
        guard procrustes.tolerance >= 0 else {
            throw .invalidParameter(
                name: "procrustes tolerance", value: "\(procrustes.tolerance)", reason: "expected a number >= 0")
        }
    }

    /// The negatives ``negatives`` means for `trainingPairs` pairs: ``Negatives/auto`` resolved.
    public func effectiveNegatives(trainingPairs: Int) -> Negatives {
        guard negatives == .auto else { return negatives }
        return trainingPairs <= Self.allNegativesLimit ? .all : .pooled
    }

    /// EmbeddingIO's `CanonicalJSON.shortHash(of:)` of the settings:
    /// equal settings give equal hashes on every platform.
    public var hash: String {
        CanonicalJSON.shortHash(of: self)
    }
}
