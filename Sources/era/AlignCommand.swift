import Alignment
import ArgumentParser
import Chroma
import EmbeddingIO
import Foundation
import Postgres
import Workflows

/// `era align`: parse, ``AlignWorkflow``, write the adapter and its log.
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
    @Option(help: "Ids of --source's rows, one a line (with --unpaired: optional, for anchors only).")
    var sourceIds: String?
    @Option(
        help:
            "Index-model embeddings of the alignment texts, .npy [n', m]; or a Chroma collection, chroma://HOST:PORT/COLLECTION, whose records of the (sampled) --source ids are fetched by id."
    )
    var target: String
    @Option(help: "Ids of --target's rows, one a line (not with a chroma:// --target).") var targetIds: String?
    @Option(help: "The adapter to write (.safetensors).") var out: String
    @Option(help: "Training log path (default: <out without extension>.log.json).") var log: String?
    @Option(help: "Query model name for the metadata (default: --source's file name up to the first dot).")
    var sourceModel: String?
    @Option(help: "Index model name for the metadata (default: --target's file name up to the first dot).")
    var targetModel: String?
    @Option(help: "Seed of the sample, the held-out split, the shuffles and the random start.") var seed: UInt64 = 0

    @Flag(
        help:
            "The two files hold different texts (or rows whose correspondence is unknown): induce the pairs from the two geometries, or refuse when they cannot be told from chance. Ids are optional and never pair rows; ids common to both lists seed the matching (--anchors)."
    )
    var unpaired = false
    @OptionGroup var training: AlignTrainingOptions
    @Flag(
        help:
            "Write the label-free hybrid map W = a W1, V = (1 - a) I, b = a b1: queries then need the index model's own vectors too (--index-queries)."
    )
    var hybrid = false
    @Option(
        help: "a of --hybrid (default: \(AdaptSettings.defaultHybridAlpha), chosen on the SciFact training queries).")
    var alpha: Double = AdaptSettings.defaultHybridAlpha
    @Flag(help: "Also write W as <out stem>.weight.npy and b as <out stem>.bias.npy.") var npy = false
    @Flag(help: "No progress on stderr.") var quiet = false
    @OptionGroup var overwrite: OverwriteOptions

    func run() throws {
        AtomicFile.removeTemporariesOnSignals()  // an interrupted write leaves no .tmp- file
        var settings = try training.settings()
        if unpaired { settings.pairing = .unpaired }
        let config = settings.configuration(seed: seed)
        let outURL = URL(fileURLWithPath: out)
        let logURL = URL(fileURLWithPath: log ?? ExportWorkflow.stem(of: out) + ".log.json")
        let npyURLs = npy ? ExportWorkflow.npyFiles(base: out) : []
        for url in [outURL, logURL] + npyURLs { try requireWritable(url) }
        try OutputGuard(
            inputs: [.init("--source", source)] + (sourceIds.map { [.init("--source-ids", $0)] } ?? [])
                + (ChromaLocation.isLocation(target) ? [] : [.init("--target", target)])
                + (targetIds.map { [.init("--target-ids", $0)] } ?? []),
            outputs: [.init("--out", out, .eraAdapter), .init("--log", logURL.path, .eraJSON)]
                + npyURLs.map { .init("--npy", $0.path, .unmarked) }, force: overwrite.force
        ).check()
        let files = InputFiles()
        var request = try self.request(files, configuration: config, settings: settings)
        request.hybridAlpha = hybrid ? alpha : nil
        let quiet = self.quiet, sample = settings.samples
        let outcome: AlignWorkflow.Outcome
        do {
            outcome = try AlignWorkflow.run(
                request,
                started: { pairs, p, m in
                    if !quiet {
                        printProgress(
                            "\(pairs) pairs (ids common to both tables\(sample.map { ", sampled \($0)" } ?? "")), p = \(p), m = \(m)"
                        )
                    }
                },
                progress: { event in
                    if !quiet, let line = AlignWorkflow.describe(event, epochs: config.epochs) { printProgress(line) }
                },
                unpairedProgress: { event in
                    if !quiet, let line = AlignWorkflow.describe(event) { printProgress(line) }
                })
        } catch {
            throw message(for: error)
        }
        if let result = outcome.unpaired { progress(AlignWorkflow.describe(result)) }
        try outcome.adapter.save(to: outURL)
        let logFile = AlignLogFile(
            adapter: outURL.path, outcome: outcome, source: source, target: target, sample: settings.samples)
        try AtomicFile.write(try CanonicalJSON.encode(logFile, pretty: true) + Data("\n".utf8), to: logURL)
        if npy { try ExportWorkflow.write(outcome.adapter, format: .npy, base: out) }
        progress("\(AlignWorkflow.summary(outcome)); wrote \(outURL.path) and \(logURL.path)")
        let ids = sourceIds.map { "--source-ids \($0)" + (targetIds.map { " and --target-ids \($0)" } ?? "") }
        if let check = SanityChecks.alignmentAboveChance(outcome.log.heldOut, idsFile: ids), check.status == .failed {
            warn("check \(check.line)")
        }
    }

    /// The workflow's failure in this command's words: its files and flags.
    private func message(for failure: AlignWorkflow.Failure) -> CommandError {
        switch failure {
        case .noCommonIds:
            CommandError(
                "no id of \(sourceIds ?? "--source-ids") appears in \(targetIds ?? "--target-ids"): "
                    + (unpaired || training.pairing == .unpaired
                        ? "no anchors to seed the matching (leave --anchors out)" : "nothing to align"))
        case .emptySample: CommandError("--sample: the sample is empty; give a positive number of texts")
        case .nonFinite(let side, let what):
            CommandError("\(side == "source" ? source : target): \(what) contains NaN or infinity")
        case .training(let error): CommandError("align: \(error.description)")
        case .notAlignable(let result): CommandError("align --unpaired: \(AlignWorkflow.refusal(result))")
        }
    }

    private func progress(_ message: String) {
        if !quiet { printProgress(message) }
    }

    /// `mpnet.corpus.npy` -> `mpnet`; `chroma://host:8000/scifact-minilm` -> `scifact-minilm`.
    static func modelName(_ path: String) -> String {
        if ChromaLocation.isLocation(path), let location = try? ChromaLocation(parsing: path) {
            return location.collection
        }
        if PostgresLocation.isLocation(path), let location = try? PostgresLocation(parsing: path) {
            return location.table
        }
        return String(URL(fileURLWithPath: path).lastPathComponent.split(separator: ".").first ?? "")
    }
}
