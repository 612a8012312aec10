import Alignment
import ArgumentParser
import EmbeddingIO
import Foundation
import LinearAlgebra

extension AdaptDevSplit: ExpressibleByArgument {}

/// `era adapt`: stage two, a thin layer over ``AdaptTrainer``.
struct AdaptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adapt",
        abstract: "Stage two: fine-tune the query map on a budget of labeled queries (the index never changes).",
        discussion: """
            Starts from the stage-one adapter and trains only the query map, with InfoNCE over each \
            labeled (query, relevant document) pair and its negatives: hard ones mined from the index \
            with the stage-one map as teacher (candidates scoring above --false-negative-margin times \
            the positive are skipped as likely unlabeled positives), random ones, and the batch's \
            other documents. A penalty lambda ||W - W1||^2 and AdamW's weight decay hold the map near \
            stage one. The number of steps is chosen on dev queries split off the labeled ones \
            (document-disjoint by default: no dev query shares a relevant document with a training \
            query); the final map is then trained on every labeled query for that many steps. \
            Only --qrels is read for relevance: pass the training judgments, never the evaluation ones.

            Example:
              era adapt --adapter stage1.safetensors --queries mpnet.queries.npy --query-ids query_ids.txt \\
                --corpus minilm.corpus.npy --corpus-ids corpus_ids.txt --qrels qrels.train.tsv \\
                --out stage2.safetensors
            """
    )

    @OptionGroup var inputs: AdaptInputOptions
    @Option(help: "The adapter to write (.safetensors).") var out: String
    @OptionGroup var training: AdaptTrainingOptions
    @Option(help: "Use the labels of N queries drawn with --seed (default: all).") var budget: Int?
    @Option(help: "Seed of the budget draw, the dev split, the batches and the negatives.") var seed: UInt64 = 0
    @Flag(help: "Print a JSON summary on stdout.") var json = false
    @Flag(help: "No progress on stderr.") var quiet = false
    @Flag(help: "Replace an existing output era did not write, or a read-only one (never an input or a special file).")
    var force = false

    func run() throws {
        var settings = try training.settings()
        settings.budget = budget
        settings.seed = seed
        let outURL = URL(fileURLWithPath: out)
        try requireWritable(outURL)
        try OutputGuard(inputs: inputs.guardInputs, outputs: [.init("--out", out, .eraAdapter)], force: force).check()
        let loaded = try inputs.load()
        let result: AdaptResult
        do {
            result = try AdaptTrainer.train(loaded.problem, settings: settings) { event in
                if !quiet { printProgress(AdaptProgressText.line(event)) }
            }
        } catch {
            throw CommandError("adapt: \(error.description)")
        }
        let adapter = adaptedAdapter(result, stageOne: loaded.stageOne)
        try adapter.save(to: outURL)
        if !quiet {
            printProgress(String(format: "wrote %@ (%d steps, %d labeled queries, %.1f s)", outURL.path,
                                 result.selectedSteps, result.labeledQueries.count, result.seconds))
        }
        if json { print(try AdaptSummary(result: result, out: outURL.path).json()) }
    }
}

/// The adapter file of a stage-two result: the stage-one metadata (model names) plus what stage two did.
func adaptedAdapter(_ result: AdaptResult, stageOne: Adapter) -> Adapter {
    var extra = stageOne.extraMetadata
    extra["adapt_family"] = result.settings.family.description
    extra["adapt_negatives"] = result.settings.negatives.description
    extra["adapt_labeled_queries"] = String(result.labeledQueries.count)
    extra["adapt_budget"] = result.settings.budget.map(String.init) ?? "all"
    extra["adapt_seed"] = String(result.settings.seed)
    extra["adapt_steps"] = String(result.selectedSteps)
    extra["stage_one_config_hash"] = stageOne.configurationHash
    return Adapter(map: result.map, sourceModel: stageOne.sourceModel, targetModel: stageOne.targetModel,
                   stage: "adapt", configurationHash: result.settings.configurationHash,
                   version: EraVersion.current, extraMetadata: extra)
}

/// Progress lines for people.
enum AdaptProgressText {
    static func line(_ event: AdaptEvent) -> String {
        switch event {
        case let .prepared(labeled, pairs, folds, dev):
            let split = folds == 0 ? "fixed (--folds 0)"
                : folds == 1 ? "chosen on a hold-out of \(dev) dev queries" : "chosen by \(folds)-fold selection over \(dev) queries"
            return "\(labeled) labeled queries, \(pairs) pairs; steps \(split)"
        case let .mined(seconds):
            return String(format: "hard negatives mined with the stage-one map in %.2f s", seconds)
        case let .evaluated(step, loss, dev):
            let lossText = loss.map { String(format: "loss %.4f, ", $0) } ?? ""
            return String(format: "step %4d: %@dev nDCG@10 %.4f", step, lossText, dev)
        case let .selected(step, dev, stageOne):
            return String(format: "final run: %d steps (best dev nDCG@10 %.4f, stage one %.4f)", step, dev, stageOne)
        case let .finished(steps, seconds):
            return String(format: "final map trained on all labeled queries for %d steps (%.1f s in all)", steps, seconds)
        }
    }
}

func printProgress(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Fails early (before any training) when `url`'s directory does not exist.
func requireWritable(_ url: URL) throws {
    let directory = url.deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory.isEmpty ? "." : directory, isDirectory: &isDirectory),
          isDirectory.boolValue else {
        throw CommandError("\(url.path): directory \(directory) does not exist")
    }
}

/// The `--json` summary of `era adapt`.
struct AdaptSummary {
    var result: AdaptResult
    var out: String

    func json() throws -> String {
        let r = result
        let object: [String: Any] = [
            "out": out, "labeled_queries": r.labeledQueries.count, "pairs": r.pairs,
            "dev_queries": r.devQueries.reduce(0) { $0 + $1.count }, "folds": r.devQueries.count,
            "selected_steps": r.selectedSteps, "dev_ndcg@10": r.selectedDevNDCG10,
            "stage_one_dev_ndcg@10": r.stageOneDevNDCG10, "seconds": r.seconds,
            "family": r.settings.family.description, "negatives": r.settings.negatives.description,
            "config_hash": r.settings.configurationHash,
            "dev_curve": r.checkpoints.map { ["step": $0.step, "ndcg@10": $0.devNDCG10] as [String: Any] },
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
