import ArgumentParser
import Workflows

extension AlignmentConfiguration.WarmStart: ExpressibleByArgument {}
extension AlignmentConfiguration.Loss: ExpressibleByArgument {}
extension AlignmentConfiguration.Negatives: ExpressibleByArgument {}
extension AlignmentConfiguration.Optimizer: ExpressibleByArgument {}
extension AlignmentConfiguration.StoppingMetric: ExpressibleByArgument {}
extension ProcrustesSettings.Refinement: ExpressibleByArgument {}
extension MapFamily: ExpressibleByArgument {}
extension Centering: ExpressibleByArgument {}
extension AlignSettings.Pairing: ExpressibleByArgument {}

/// Stage one's settings (``AlignSettings``) as flags: names, defaults, ranges and help come from
/// the declarations; a flag left out keeps the library's default.
struct AlignTrainingOptions: ParsableArguments {
    @Option(help: .setting(AlignSettings.self, "init")) var warmStart: AlignmentConfiguration.WarmStart?
    @Option(help: .setting(AlignSettings.self, "centering")) var centering: Centering?
    @Option(help: .setting(AlignSettings.self, "refinement")) var procrustesRefinement: ProcrustesSettings.Refinement?
    @Option(help: .setting(AlignSettings.self, "procrustes_iterations")) var procrustesIterations: Int?
    @Option(help: .setting(AlignSettings.self, "whitening")) var whitening: Double?
    @Option(help: .setting(AlignSettings.self, "guardrail_scales")) var guardrailScales: CommaList<Double>?
    @Option(help: .setting(AlignSettings.self, "family")) var family: MapFamily?
    @Option(help: .setting(AlignSettings.self, "loss")) var loss: AlignmentConfiguration.Loss?
    @Option(help: .setting(AlignSettings.self, "temperature")) var temperature: Double?
    @Option(help: .setting(AlignSettings.self, "negatives")) var negatives: AlignmentConfiguration.Negatives?
    @Option(help: .setting(AlignSettings.self, "negative_pool")) var negativePool: Int?
    @Flag(inversion: .prefixedNo, help: .setting(AlignSettings.self, "symmetric")) var symmetric: Bool?
    @Option(help: .setting(AlignSettings.self, "optimizer")) var optimizer: AlignmentConfiguration.Optimizer?
    @Option(help: .setting(AlignSettings.self, "learning_rate")) var learningRate: Double?
    @Option(help: .setting(AlignSettings.self, "batch_size")) var batchSize: Int?
    @Option(help: .setting(AlignSettings.self, "epochs")) var epochs: Int?
    @Option(help: .setting(AlignSettings.self, "holdout")) var heldOut: Double?
    @Option(help: .setting(AlignSettings.self, "stopping_metric")) var stoppingMetric:
        AlignmentConfiguration.StoppingMetric?
    @Option(help: .setting(AlignSettings.self, "patience")) var patience: Int?
    @Flag(inversion: .prefixedNo, help: .setting(AlignSettings.self, "shuffle")) var shuffle: Bool?
    @Flag(inversion: .prefixedNo, help: .setting(AlignSettings.self, "guardrail")) var guardrail: Bool?
    @Option(help: .setting(AlignSettings.self, "weight_decay")) var weightDecay: Double?
    @Option(help: .setting(AlignSettings.self, "samples")) var sample: Int?
    @Option(help: .setting(AlignSettings.self, "pairing")) var pairing: AlignSettings.Pairing?
    @Option(help: .setting(AlignSettings.self, "anchors")) var anchors: Int?
    @Option(help: .setting(AlignSettings.self, "csls_neighbours")) var cslsNeighbours: Int?
    @Option(help: .setting(AlignSettings.self, "init_sample")) var initSample: Int?
    @Option(help: .setting(AlignSettings.self, "learning_sample")) var learningSample: Int?
    @Option(help: .setting(AlignSettings.self, "initial_keep")) var initialKeep: Double?
    @Option(help: .setting(AlignSettings.self, "stall_rounds")) var stallRounds: Int?
    @Option(help: .setting(AlignSettings.self, "minimum_gain")) var minimumGain: Double?
    @Option(help: .setting(AlignSettings.self, "max_rounds")) var maxRounds: Int?
    @Option(help: .setting(AlignSettings.self, "restarts")) var restarts: Int?

    /// The library's settings with the flags given, or the first one out of its declared range.
    func settings() throws -> AlignSettings {
        var settings = AlignSettings()
        settings.apply(flags: flagValues(of: self))
        if let (setting, message) = settings.problems().first { throw CommandError("--\(setting.flag): \(message)") }
        return settings
    }
}
