import EmbeddingIO
import Settings

/// The log's JSON (`training-log.json`, `era align`'s `.log.json`): snake_case keys, and the
/// configuration under the keys users set (`init`, `learning_rate`, ...: ``AlignmentConfiguration/settings``)
/// with the seed, the weight decay and the Procrustes tolerance beside them. The configuration's own
/// `Codable` form stays as it was: ``AlignmentConfiguration/hash`` is computed from it and written in
/// every adapter. era reads no log back; decoding is for tools and tests.
extension TrainingLog {
    enum CodingKeys: String, CodingKey {
        case configuration, configurationHash = "configuration_hash", sourceDimension = "source_dimension"
        case targetDimension = "target_dimension", trainingPairs = "training_pairs", heldOutPairs = "held_out_pairs"
        case warmStart = "warm_start", warmStartHeldOutLoss = "warm_start_held_out_loss"
        case warmStartHeldOut = "warm_start_held_out", epochs, selectedEpoch = "selected_epoch"
        case stoppedEarly = "stopped_early", heldOut = "held_out", totalSeconds = "total_seconds", guardrail
        case negatives, scoreCalibration = "score_calibration"
    }

    /// The configuration's keys that are not user settings.
    private static let seedKey = SettingKey("seed"), weightDecayKey = SettingKey("weight_decay")
    private static let toleranceKey = SettingKey("procrustes_tolerance")

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        var settings = c.nestedContainer(keyedBy: SettingKey.self, forKey: .configuration)
        try configuration.encodeDeclared(into: &settings)
        try settings.encode(configuration.seed, forKey: Self.seedKey)
        try settings.encode(configuration.weightDecay, forKey: Self.weightDecayKey)
        try settings.encode(configuration.procrustes.tolerance, forKey: Self.toleranceKey)
        try c.encode(configurationHash, forKey: .configurationHash)
        try c.encode(sourceDimension, forKey: .sourceDimension)
        try c.encode(targetDimension, forKey: .targetDimension)
        try c.encode(trainingPairs, forKey: .trainingPairs)
        try c.encode(heldOutPairs, forKey: .heldOutPairs)
        try c.encode(warmStart, forKey: .warmStart)
        try c.encodeIfPresent(warmStartHeldOutLoss, forKey: .warmStartHeldOutLoss)
        try c.encodeIfPresent(warmStartHeldOut, forKey: .warmStartHeldOut)
        try c.encode(epochs, forKey: .epochs)
        try c.encode(selectedEpoch, forKey: .selectedEpoch)
        try c.encode(stoppedEarly, forKey: .stoppedEarly)
        try c.encodeIfPresent(heldOut, forKey: .heldOut)
        try c.encode(totalSeconds, forKey: .totalSeconds)
        try c.encodeIfPresent(guardrail, forKey: .guardrail)
        try c.encodeIfPresent(negatives, forKey: .negatives)
        try c.encodeIfPresent(scoreCalibration, forKey: .scoreCalibration)
    }

    public init(from decoder: any Decoder) throws {
        let c = try SnakeCaseKeys(decoder)
        let keyed = try decoder.container(keyedBy: CodingKeys.self)
        let settings = try keyed.superDecoder(forKey: .configuration)
        let written = try settings.container(keyedBy: SettingKey.self)
        configuration = try AlignmentConfiguration(declaredFrom: settings)
        configuration.seed = try written.decode(UInt64.self, forKey: Self.seedKey)
        configuration.weightDecay = try written.decode(Double.self, forKey: Self.weightDecayKey)
        configuration.procrustes.tolerance = try written.decode(Double.self, forKey: Self.toleranceKey)
        configurationHash = try c.decode("configuration_hash")
        sourceDimension = try c.decode("source_dimension")
        targetDimension = try c.decode("target_dimension")
        trainingPairs = try c.decode("training_pairs")
        heldOutPairs = try c.decode("held_out_pairs")
        warmStart = try c.decode("warm_start")
        warmStartHeldOutLoss = try c.decodeIfPresent("warm_start_held_out_loss")
        warmStartHeldOut = try c.decodeIfPresent("warm_start_held_out")
        epochs = try c.decode("epochs")
        selectedEpoch = try c.decode("selected_epoch")
        stoppedEarly = try c.decode("stopped_early")
        heldOut = try c.decodeIfPresent("held_out")
        totalSeconds = try c.decode("total_seconds")
        guardrail = try c.decodeIfPresent("guardrail")
        negatives = try c.decodeIfPresent("negatives")
        scoreCalibration = try c.decodeIfPresent("score_calibration")
    }
}
