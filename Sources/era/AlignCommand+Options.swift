import Alignment
import ArgumentParser

extension AlignmentConfiguration.WarmStart: ExpressibleByArgument {}
extension AlignmentConfiguration.Loss: ExpressibleByArgument {}
extension AlignmentConfiguration.Negatives: ExpressibleByArgument {}
extension AlignmentConfiguration.Optimizer: ExpressibleByArgument {}
extension AlignmentConfiguration.StoppingMetric: ExpressibleByArgument {}
extension ProcrustesSettings.Refinement: ExpressibleByArgument {}
extension MapFamily: ExpressibleByArgument {}
extension Centering: ExpressibleByArgument {}

/// The training settings of stage one (``AlignmentConfiguration``), as flags.
struct AlignTrainingOptions: ParsableArguments {
    @Option(help: "procrustes | identity | random.") var warmStart: AlignmentConfiguration.WarmStart = .procrustes
    @Option(help: "Procrustes centering: mean (robust to anisotropic models) | none.") var centering: Centering = .mean
    @Option(help: "Procrustes refinement when p > m: none (thin SVD) | accelerated | majorization (Kiers, as the numpy peer).")
    var procrustesRefinement: ProcrustesSettings.Refinement = AlignmentConfiguration().procrustes.refinement
    @Option(help: "At most this many Procrustes refinement steps.")
    var procrustesIterations: Int = ProcrustesSettings().maxIterations
    @Option(help: "linear | orthogonal (W kept orthonormal).") var family: MapFamily = .linear

    @Option(help: "infonce | cosine (ERA's objective) | mse.") var loss: AlignmentConfiguration.Loss = .infonce
    @Option(help: "InfoNCE temperature.") var temperature: Double = AlignmentConfiguration().temperature
    @Option(help: "InfoNCE negatives: all (every training target) | in-batch.")
    var negatives: AlignmentConfiguration.Negatives = AlignmentConfiguration().negatives
    @Flag(help: "Add InfoNCE's target-to-source term.") var symmetric = false
    @Option(help: "adam | adamw.") var optimizer: AlignmentConfiguration.Optimizer = .adam
    @Option(help: "Learning rate.") var learningRate: Double = AlignmentConfiguration().learningRate
    @Option(help: "Weight decay (adamw: decoupled; adam: L2).") var weightDecay: Double?
    @Option(help: "Epochs (0: the warm start alone).") var epochs: Int = AlignmentConfiguration().epochs
    @Option(help: "Pairs per batch.") var batchSize: Int = AlignmentConfiguration().batchSize
    @Option(help: "Fraction of pairs held out for early stopping and the report.")
    var heldOut: Double = AlignmentConfiguration().heldOutFraction
    @Option(help: "Held-out criterion: loss | mrr.")
    var stoppingMetric: AlignmentConfiguration.StoppingMetric = AlignmentConfiguration().stoppingMetric
    @Option(help: "Stop after this many epochs without held-out improvement (0: never).")
    var patience: Int = AlignmentConfiguration().patience
    @Flag(help: "Batches in file order (no shuffling).") var noShuffle = false

    func configuration(seed: UInt64) -> AlignmentConfiguration {
        var c = AlignmentConfiguration()
        c.warmStart = warmStart
        c.procrustes = ProcrustesSettings(centering: centering, refinement: procrustesRefinement,
                                          maxIterations: procrustesIterations)
        c.family = family
        c.loss = loss
        c.temperature = temperature
        c.negatives = negatives
        c.symmetric = symmetric
        c.optimizer = optimizer
        c.learningRate = learningRate
        c.weightDecay = weightDecay ?? AlignmentConfiguration.defaultWeightDecay(for: optimizer)
        c.epochs = epochs
        c.batchSize = batchSize
        c.heldOutFraction = heldOut
        c.stoppingMetric = stoppingMetric
        c.patience = patience
        c.seed = seed
        c.shuffle = !noShuffle
        return c
    }
}
