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
        /// The batch's other targets (default).
        case inBatch = "in-batch"
        /// Every training target (one `B x n` gemm per batch).
        case all
    }

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
    /// Settings of the Procrustes warm start: centered (robust to anisotropic models), thin SVD solution.
    /// The majorization refinement lowers the least-squares objective but, on SciFact, not retrieval
    /// quality, and costs 10-250 s (docs/alignment.md); it is one setting away.
    public var procrustes = ProcrustesSettings()
    /// `.orthogonal` keeps W orthonormal during training (a polar retraction after every step).
    public var family: MapFamily = .linear
    public var loss: Loss = .infonce
    /// InfoNCE softmax temperature tau > 0.
    public var temperature: Double = 0.05
    /// Default `.all`: on SciFact it matched or beat in-batch negatives with a quarter of the spread over seeds.
    public var negatives: Negatives = .all
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
    /// bias) on the held-out pairs by the MRR of each pair's target among all targets, and return the best
    /// (``GuardrailRecord`` in the log). Needs held-out pairs (``heldOutFraction`` > 0); false returns the
    /// best epoch's map as before. Valid values: true, false.
    public var guardrail = true

    public init() {}

    private enum CodingKeys: String, CodingKey {
        case warmStart, procrustes, family, loss, temperature, negatives, symmetric, optimizer, learningRate,
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

    /// ``CanonicalJSON/shortHash(of:)`` of the settings:
    /// equal settings give equal hashes on every platform.
    public var hash: String {
        CanonicalJSON.shortHash(of: self)
    }
}
