import ArgumentParser
import Foundation
import Workflows

/// `era align`: stage one, a thin layer over ``AlignRequest``; writes the adapter and its log.
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
    @Option(
        help:
            "Query model name for the metadata (default: the first part of --source's file name, split at dots, that is not a role word such as corpus, queries or align)."
    )
    var sourceModel: String?
    @Option(
        help:
            "Index model name for the metadata (default: the first part of --target's file name, split at dots, that is not a role word such as corpus, queries or align; a collection or table name)."
    )
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
        help: "a of --hybrid (default: \(AlignRequest.defaultHybridAlpha), chosen on the SciFact training queries).")
    var alpha: Double = AlignRequest.defaultHybridAlpha
    @Flag(help: "Also write W as <out stem>.weight.npy and b as <out stem>.bias.npy.") var npy = false
    @Flag(help: "No progress on stderr.") var quiet = false
    @OptionGroup var overwrite: OverwriteOptions

    func run() throws {
        AtomicFile.removeTemporariesOnSignals()  // an interrupted write leaves no .tmp- file
        var settings = try training.settings()
        if unpaired { settings.pairing = .unpaired }
        let outURL = URL(fileURLWithPath: out)
        let logURL = URL(fileURLWithPath: log ?? ExportWorkflow.stem(of: out) + ".log.json")
        let npyURLs = npy ? ExportWorkflow.npyFiles(base: out) : []
        for url in [outURL, logURL] + npyURLs { try requireWritable(url) }
        try overwrite.check(
            inputs: guardInputs,
            outputs: [
                .init("--out", out, .eraAdapterOfStage(AlignWorkflow.stage)), .init("--log", logURL.path, .eraJSON),
            ]
                + npyURLs.map { .init("--npy", $0.path, .unmarked) })
        let request = try request(settings)
        let outcome: AlignWorkflow.Outcome
        do {
            outcome = try request.run { report($0, epochs: settings.epochs, sample: settings.samples) }
        } catch { throw self.error(error) }
        if let result = outcome.unpaired { progress(AlignWorkflow.describe(result)) }
        // The adapter, its log and the NumPy files: all of them or none (a full disk left an adapter
        // without its log).
        try AtomicFile.writeTogether {
            try outcome.adapter.save(to: outURL)
            try AlignLogFile(
                adapter: outURL.path, outcome: outcome, source: source, target: target, sample: settings.samples
            )
            .write(to: logURL)
            if npy { try ExportWorkflow.write(outcome.adapter, format: .npy, base: out) }
        }
        progress("\(AlignWorkflow.summary(outcome)); wrote \(outURL.path) and \(logURL.path)")
        let ids = sourceIds.map { "--source-ids \($0)" + (targetIds.map { " and --target-ids \($0)" } ?? "") }
        let checks = [
            SanityChecks.alignmentAboveChance(outcome.log.heldOut, idsFile: ids),
            SanityChecks.alignmentPairsMatch(outcome.log.heldOut, idsFile: ids),
        ]
        for check in checks.compactMap({ $0 }) where check.status != .ok { warn("check \(check.line)") }
    }

    func progress(_ message: String) {
        if !quiet { printProgress(message) }
    }
}
