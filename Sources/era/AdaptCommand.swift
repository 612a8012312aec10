import ArgumentParser
import Foundation
import Workflows

/// `era adapt`: stage two, a thin layer over ``AdaptRequest``.
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
    @Option(help: .adaptBudget) var budget: Int?
    @Option(help: "Seed of the budget draw, the dev split, the batches and the negatives.") var seed: UInt64 = 0
    @Flag(
        help: """
            With --retired-index-model: fit the adapter's score calibration (a * score + b) on the labeled \
            queries with --index-queries, which no map reads. Without it a retired model's queries are not \
            read, and stage one's calibration is carried onto the new map.
            """)
    var calibrateWithIndexQueries = false
    @Flag(help: "Print a JSON summary on stdout.") var json = false
    @Flag(help: "No progress on stderr.") var quiet = false
    @OptionGroup var overwrite: OverwriteOptions

    func run() throws {
        AtomicFile.removeTemporariesOnSignals()  // an interrupted write leaves no .tmp- file
        var settings = try training.settings(extra: self)
        settings.seed = seed
        let outURL = URL(fileURLWithPath: out)
        try requireWritable(outURL)
        try overwrite.check(
            inputs: inputs.guardInputs, outputs: [.init("--out", out, .eraAdapterOfStage(AdaptWorkflow.stage))])
        if calibrateWithIndexQueries, inputs.indexQueries == nil {
            throw CommandError(
                "--calibrate-with-index-queries: give the index model's vectors of the queries as --index-queries")
        }
        var request = try inputs.request(InputFiles())
        request.settings = settings
        request.calibrateWithIndexQueries = calibrateWithIndexQueries
        if inputs.retiredIndexModel, let path = inputs.indexQueries, !calibrateWithIndexQueries {
            warn(
                "--index-queries \(path): the index model is retired (--retired-index-model), so no map reads its "
                    + "queries; give them to era evaluate --index-queries --retired-index-model to score the index as it was, "
                    + "or add --calibrate-with-index-queries to fit the score calibration on them (no map reads them then either)"
            )
        }
        var mining: [String: Any]? = nil
        let outcome: AdaptWorkflow.Outcome
        do {
            outcome = try request.run(
                progress: { event in
                    if case .minedThroughStore(_, let summary) = event { mining = summary }
                    if case .pulled = event {
                        inputs.log(event)
                    } else if !quiet, let line = request.report(event).line {
                        printProgress(line)
                    }
                }, warn: inputs.warning)
        } catch { throw inputs.error(error) }
        if !quiet {
            AdaptWorkflow.describeChoice(outcome.result).forEach(printProgress)
            AdaptWorkflow.choiceNotes(outcome.result).forEach(printProgress)
            if let line = AdaptWorkflow.calibrationLine(outcome.calibration) { printProgress(line) }
        }
        try outcome.adapter.save(to: outURL)
        let result = outcome.result
        if !quiet {
            printProgress(
                String(
                    format: "wrote %@ (%d steps, %d labeled queries, %.1f s)", outURL.path,
                    result.selectedSteps, result.labeledQueries.count, result.seconds))
        }
        if json { print(try outcome.summaryJSON(out: outURL.path, mining: mining)) }
    }
}
