/// What a stage-one run did, epoch by epoch: written as JSON beside the adapter.
public struct TrainingLog: Sendable, Hashable, Codable {
    /// How the warm start went.
    public struct WarmStartRecord: Sendable, Hashable, Codable {
        public var method: AlignmentConfiguration.WarmStart
        /// Procrustes only: ||X W^T + b - Y||_F^2 of the thin and of the returned solution, steps taken.
        public var thinObjective: Double?
        public var objective: Double?
        public var iterations: Int?
        public var seconds: Double

        enum CodingKeys: String, CodingKey {
            case method, thinObjective = "thin_objective", objective, iterations, seconds
        }
    }

    /// One pass over the training pairs.
    public struct EpochRecord: Sendable, Hashable, Codable {
        /// 1-based.
        public var epoch: Int
        /// Mean batch loss over the epoch, each batch's loss taken before its step (weighted by batch size).
        public var trainLoss: Double
        /// The loss on the held-out pairs after the epoch (nil without held-out pairs).
        public var heldOutLoss: Double?
        public var heldOut: HeldOutReport?
        /// Wall time of the training steps alone (no held-out evaluation).
        public var trainSeconds: Double
        /// True when this epoch became the best so far by the stopping metric.
        public var improved: Bool

        enum CodingKeys: String, CodingKey {
            case epoch, trainLoss = "train_loss", heldOutLoss = "held_out_loss", heldOut = "held_out"
            case trainSeconds = "train_seconds", improved
        }
    }

    public var configuration: AlignmentConfiguration
    public var configurationHash: String
    /// p and m.
    public var sourceDimension: Int
    public var targetDimension: Int
    public var trainingPairs: Int
    public var heldOutPairs: Int
    public var warmStart: WarmStartRecord
    /// The warm start measured on the held-out pairs (before any epoch).
    public var warmStartHeldOutLoss: Double?
    public var warmStartHeldOut: HeldOutReport?
    public var epochs: [EpochRecord]
    /// The epoch whose map was returned (0: the warm start).
    public var selectedEpoch: Int
    public var stoppedEarly: Bool
    /// The returned map on the held-out pairs.
    public var heldOut: HeldOutReport?
    public var totalSeconds: Double
    /// The guardrail's candidates, choice and reason (nil when it is off or no pairs are held out).
    public var guardrail: GuardrailRecord? = nil
    /// The InfoNCE negatives used (``AlignmentConfiguration/Negatives/auto`` resolved); nil for other losses.
    public var negatives: AlignmentConfiguration.Negatives? = nil
    /// The returned map's score calibration, fitted on the alignment texts (nil when it has no scale to fit).
    public var scoreCalibration: ScoreCalibration? = nil
}

/// Progress of a run, reported as it happens (the CLI prints it to stderr).
public enum TrainingEvent: Sendable {
    case warmStarted(TrainingLog.WarmStartRecord, heldOut: HeldOutReport?)
    case batchFinished(epoch: Int, batch: Int, batches: Int, loss: Double)
    case epochFinished(TrainingLog.EpochRecord)
    case stoppedEarly(afterEpoch: Int, bestEpoch: Int)
}
