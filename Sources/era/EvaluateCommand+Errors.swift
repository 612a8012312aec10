import Foundation
import Workflows

extension EvaluateCommand {
    /// The workflow's error about an input, told with the flag (and file) that gave that input.
    func message(for error: EvaluateInputError) throws -> CommandError {
        switch (error.role, error.problem) {
        case let (.indexQueries, .shape(rows, columns, expectedRows, expectedColumns)):
            return CommandError(
                "--index-queries \(indexQueries ?? ""): is \(rows) x \(columns); it must hold the index model's "
                    + "vector of each query of \(queries), \(expectedRows) x \(expectedColumns), rows in --query-ids order"
            )
        case (.reembeddedCorpus, .needsFileIndex):
            return CommandError("--reembedded-corpus: only with a file --corpus (its rows follow --corpus-ids)")
        case let (.reembeddedCorpus, .shape(rows, columns, expectedRows, expectedColumns)):
            return CommandError(
                "--reembedded-corpus \(reembeddedCorpus ?? ""): is \(rows) x \(columns); it must hold the query "
                    + "model's vector of each document of --corpus, \(expectedRows) x \(expectedColumns), rows in --corpus-ids order"
            )
        case let (_, .dimensions(queryDimension, corpusDimension)):
            return CommandError(
                "\(queries) has dimension \(queryDimension) but \(corpus) has \(corpusDimension): "
                    + "queries from another model need an adapter (--adapter, see `era align`)")
        case let (_, .adapterDimensions(source, target, queryDimension, corpusDimension)):
            let isAdapter = adapter.map { URL(fileURLWithPath: $0).lastPathComponent } == error.subject
            return CommandError(
                "\((isAdapter ? adapter : compare) ?? ""): the adapter maps \(source)-d to \(target)-d vectors, "
                    + "but \(queries) is \(queryDimension)-d and \(corpus) is \(corpusDimension)-d")
        case (_, .adapter(.hybridWithRetiredIndexModel)):
            return CommandError("--adapter: \(AdapterInputError.hybridWithRetiredIndexModel)")
        case (_, .adapter(.missingIndexQueries)):
            return CommandError(
                "the adapter is hybrid (f = W x + V y + b): give the index model's queries with --index-queries")
        case (_, .adapter(let adapterError)):
            throw adapterError
        case (_, .nothingToDo(let message)):
            return CommandError(
                "nothing to do: \(message), with --qrels \(qrels), --query-ids \(queryIds) and "
                    + "--corpus-ids \(corpusIds ?? corpus): check that the qrels use the ids of those files")
        default:
            return CommandError("\(error)")
        }
    }

    /// The message for a `--compare-metric` not computed: when only its cutoff is missing, says to add it to `--k`.
    static func unknownCompareMetric(_ metric: String, k: String) -> String {
        let parts = metric.split(separator: "@")
        if parts.count == 2, let cutoff = Int(parts[1]), cutoff > 0,
            EvaluateSettings.metrics(cutoffs: [cutoff]).contains(metric)
        {
            return
                "--compare-metric \(metric): computed only at the cutoffs of --k \(k); add \(cutoff) to --k (e.g. --k \(k),\(cutoff))"
        }
        return "--compare-metric \(metric): not one of the metrics computed at --k \(k) "
            + "(\(EvaluateSettings.metrics(cutoffs: (try? parseCutoffs(k)) ?? [10]).joined(separator: ", ")))"
    }
}
