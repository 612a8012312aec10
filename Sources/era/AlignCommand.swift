import Alignment
import ArgumentParser
import EmbeddingIO
import Foundation
import LinearAlgebra

extension AlignmentConfiguration.WarmStart: ExpressibleByArgument {}
extension AlignmentConfiguration.Loss: ExpressibleByArgument {}
extension AlignmentConfiguration.Negatives: ExpressibleByArgument {}
extension AlignmentConfiguration.Optimizer: ExpressibleByArgument {}
extension AlignmentConfiguration.StoppingMetric: ExpressibleByArgument {}
extension ProcrustesSettings.Refinement: ExpressibleByArgument {}
extension MapFamily: ExpressibleByArgument {}
extension Centering: ExpressibleByArgument {}

struct AlignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "align",
        abstract: "Stage one: learn the query map from texts embedded by both models (no labels).",
        discussion: """
            Rows of --source (query model) and --target (index model) are matched by id: the two \
            files may hold different texts in different orders; only the common ids are used. \
            The map f(x) = W x + b starts from orthogonal Procrustes (LAPACK SVD, centered; Kiers \
            majorization on request) and is refined by InfoNCE with Adam; a held-out fraction of the pairs picks \
            the epoch and is reported (mean cosine, top-1 / top-10 of finding each text's own \
            index vector). Writes the adapter (safetensors: weight m x p, bias m, metadata) and a \
            JSON training log beside it (<out without extension>.log.json). Progress on stderr.

            Example:
              era align --source mpnet.corpus.npy --source-ids corpus_ids.txt \\
                --target minilm.corpus.npy --target-ids corpus_ids.txt --out adapter.safetensors
            ERA's published recipe: --loss cosine --warm-start random --optimizer adamw --weight-decay 0.01
            """
    )

    @Option(help: "Query-model embeddings of the alignment texts, .npy [n, p].") var source: String
    @Option(help: "Ids of --source's rows, one a line.") var sourceIds: String
    @Option(help: "Index-model embeddings of the alignment texts, .npy [n', m].") var target: String
    @Option(help: "Ids of --target's rows, one a line.") var targetIds: String
    @Option(help: "The adapter to write (.safetensors).") var out: String
    @Option(help: "Training log path (default: <out without extension>.log.json).") var log: String?
    @Option(help: "Query model name for the metadata (default: --source's file name up to the first dot).")
    var sourceModel: String?
    @Option(help: "Index model name for the metadata (default: --target's file name up to the first dot).")
    var targetModel: String?
    @Option(help: "Use N randomly drawn common ids (seeded) instead of all.") var sample: Int?
    @Option(help: "Seed of the sample, the held-out split, the shuffles and the random start.") var seed: UInt64 = 0

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
    @Flag(help: "Also write W as <out stem>.weight.npy and b as <out stem>.bias.npy.") var npy = false
    @Flag(help: "No progress on stderr.") var quiet = false
    @Flag(help: "Replace an existing output era did not write, or a read-only one (never an input or a special file).")
    var force = false

    var alignmentConfiguration: AlignmentConfiguration {
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

    func run() throws {
        let config = alignmentConfiguration
        let trainer: AlignmentTrainer
        do { trainer = try AlignmentTrainer(configuration: config) } catch { throw CommandError(error.description) }
        let outURL = URL(fileURLWithPath: out)
        let logURL = URL(fileURLWithPath: log ?? Self.logPath(for: out))
        let npyURLs = npy ? Self.npyPaths(for: out) : []
        for url in [outURL, logURL] + npyURLs { try Self.requireWritable(url) }
        try OutputGuard(inputs: [.init("--source", source), .init("--source-ids", sourceIds), .init("--target", target),
                                 .init("--target-ids", targetIds)],
                        outputs: [.init("--out", out, .eraAdapter), .init("--log", logURL.path, .eraJSON)]
                            + npyURLs.map { .init("--npy", $0.path, .unmarked) }, force: force).check()

        let pairs = try loadPairs()
        progress("\(pairs.count) pairs (ids common to both tables\(sample.map { ", sampled \($0)" } ?? "")), "
                 + "p = \(pairs.sources.columns), m = \(pairs.targets.columns)")
        let result: AlignmentResult
        do {
            result = try trainer.train(sources: pairs.sources, targets: pairs.targets) { event in
                self.report(event, epochs: config.epochs)
            }
        } catch {
            throw CommandError("align: \(error.description)")
        }
        let adapter = Adapter(
            map: result.map, sourceModel: sourceModel ?? Self.modelName(source),
            targetModel: targetModel ?? Self.modelName(target), stage: "align",
            configurationHash: result.log.configurationHash, version: EraVersion.current,
            extraMetadata: ["pairs": String(pairs.count)])
        try adapter.save(to: outURL)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        var logData = try encoder.encode(AlignLogFile(
            adapter: outURL.path, sourceModel: adapter.sourceModel, targetModel: adapter.targetModel,
            source: source, target: target, sample: sample, version: EraVersion.current, pairs: pairs.count,
            training: result.log))
        logData.append(contentsOf: Array("\n".utf8))
        try AtomicFile.write(logData, to: logURL)
        if npy {
            try Npy.write(result.map.weight, to: npyURLs[0])
            try Npy.writeVector(result.map.bias, to: npyURLs[1])
        }
        let held = result.log.heldOut.map {
            String(format: "held-out (%d pairs): cosine %.4f, top-1 %.4f, top-10 %.4f; ", $0.pairs, $0.meanCosine,
                   $0.top1Accuracy, $0.top10Accuracy)
        } ?? ""
        progress("\(held)epoch \(result.log.selectedEpoch) kept; wrote \(outURL.path) and \(logURL.path)")
    }

    private func loadPairs() throws -> AlignmentPairs {
        let sourceMatrix = try Npy.load(URL(fileURLWithPath: source), mapped: true)
        let targetMatrix = try Npy.load(URL(fileURLWithPath: target), mapped: true)
        let sIds = try IdList.read(URL(fileURLWithPath: sourceIds))
        let tIds = try IdList.read(URL(fileURLWithPath: targetIds))
        try IdList.check(sIds, matchRowsOf: sourceMatrix.rows, idsPath: sourceIds, matrixPath: source)
        try IdList.check(tIds, matchRowsOf: targetMatrix.rows, idsPath: targetIds, matrixPath: target)
        do {
            return try PairMatching.match(sourceIds: sIds, sources: sourceMatrix, targetIds: tIds,
                                          targets: targetMatrix, sample: sample, seed: seed)
        } catch {
            switch error {
            case .empty(let what) where what.hasPrefix("set of ids"):
                throw CommandError("no id of \(sourceIds) appears in \(targetIds): nothing to align")
            case .empty:
                throw CommandError("--sample \(sample ?? 0): the sample is empty; give a positive number of texts")
            case .nonFinite(let what) where what.hasPrefix("source"):
                throw CommandError("\(source): \(what) contains NaN or infinity")
            case .nonFinite(let what):
                throw CommandError("\(target): \(what) contains NaN or infinity")
            default:
                throw CommandError("align: \(error.description)")
            }
        }
    }

    private func report(_ event: TrainingEvent, epochs: Int) {
        switch event {
        case let .warmStarted(record, heldOut):
            var line = "warm start \(record.method.rawValue)"
            if let thin = record.thinObjective, let objective = record.objective {
                line += String(format: ": objective %.4f (thin %.4f, %d refinement steps)", objective, thin,
                               record.iterations ?? 0)
            }
            line += String(format: " in %.2f s", record.seconds)
            if let heldOut { line += Self.describe(heldOut) }
            progress(line)
        case .batchFinished:
            break
        case let .epochFinished(record):
            var line = String(format: "epoch %d/%d: train loss %.5f (%.2f s)", record.epoch, epochs, record.trainLoss,
                              record.trainSeconds)
            if let loss = record.heldOutLoss { line += String(format: "; held-out loss %.5f", loss) }
            if let heldOut = record.heldOut { line += Self.describe(heldOut) }
            if record.improved { line += " *" }
            progress(line)
        case let .stoppedEarly(afterEpoch, bestEpoch):
            progress("stopped after epoch \(afterEpoch): no held-out improvement since epoch \(bestEpoch)")
        }
    }

    private static func describe(_ r: HeldOutReport) -> String {
        String(format: "; held-out cosine %.4f, top-1 %.4f, top-10 %.4f", r.meanCosine, r.top1Accuracy, r.top10Accuracy)
    }

    private func progress(_ message: String) {
        if !quiet { FileHandle.standardError.write(Data((message + "\n").utf8)) }
    }

    /// `a/adapter.safetensors` -> `a/adapter.log.json`.
    static func logPath(for out: String) -> String { stem(out) + ".log.json" }
    static func npyPaths(for out: String) -> [URL] {
        [URL(fileURLWithPath: stem(out) + ".weight.npy"), URL(fileURLWithPath: stem(out) + ".bias.npy")]
    }
    private static func stem(_ path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.pathExtension.isEmpty ? path : url.deletingPathExtension().path
    }

    /// `mpnet.corpus.npy` -> `mpnet`.
    static func modelName(_ path: String) -> String {
        String(URL(fileURLWithPath: path).lastPathComponent.split(separator: ".").first ?? "")
    }

    /// Fails before any work when `url` could not be written: its directory must exist and be
    /// writable, and `url` itself must not be a directory.
    static func requireWritable(_ url: URL) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw CommandError("\(url.path): is a directory; give a file path to write")
        }
        let directory = url.deletingLastPathComponent().path
        guard fm.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandError("\(url.path): cannot be written: directory \(directory) does not exist")
        }
        guard fm.isWritableFile(atPath: directory) else {
            throw CommandError("\(url.path): cannot be written: directory \(directory) is not writable")
        }
    }
}

/// The JSON log written beside the adapter: inputs plus the trainer's log.
struct AlignLogFile: Codable {
    /// Marks the log as era's, so a later run may replace it without --force.
    var format: String? = "era-align-log"
    var adapter: String
    var sourceModel: String
    var targetModel: String
    var source: String
    var target: String
    var sample: Int?
    var version: String
    var pairs: Int
    var training: TrainingLog
}
