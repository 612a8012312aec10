import Workflows
import Alignment
import ArgumentParser
import EmbeddingIO
import Foundation
import LinearAlgebra
import Retrieval

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Exact search of queries against an index, scored with the standard IR metrics.",
        discussion: """
            Searches every query that has a relevant document in the qrels (grade > 0) against the \
            whole corpus (exact inner product; rows are expected L2-normalized), and reports \
            nDCG@k, Recall@k, P@k, MRR@k and MAP@k with pytrec_eval / BEIR semantics: graded gain, \
            ideal DCG from all judged relevant documents, equal scores ordered by document id \
            descending. Qrels queries without an embedding are skipped with a warning (as BEIR does).

            With --adapter the queries are first mapped, q -> normalize(W q + b), into the index's \
            space. With --compare a second adapter is evaluated on the same queries and a paired \
            randomization test (and bootstrap interval) over per-query nDCG@10 says whether the \
            difference is real.

            Example:
              era evaluate --queries queries.npy --query-ids query_ids.txt \\
                --corpus corpus.npy --corpus-ids corpus_ids.txt --qrels qrels.test.tsv \\
                --adapter stage2.safetensors --compare stage1.safetensors --unseen-against qrels.train.tsv
            """
    )

    @Option(help: "Query embeddings, .npy [queries, dim] (<f4, <f2 or <f8).")
    var queries: String
    @Option(help: "Query ids, one a line, in the row order of --queries.")
    var queryIds: String
    @Option(help: "Index (document) embeddings, .npy [documents, dim]; <f4 files are memory-mapped.")
    var corpus: String
    @Option(help: "Document ids, one a line, in the row order of --corpus.")
    var corpusIds: String
    @Option(help: "Relevance judgments: BEIR TSV (query-id, corpus-id, score) or TREC (qid 0 docid rel).")
    var qrels: String
    @Option(help: "Adapter (safetensors from `era align` / `era adapt`) applied to the queries before search.")
    var adapter: String?
    @Option(help: "A second adapter to compare against --adapter (or the raw queries) on the same queries, with a paired significance test.")
    var compare: String?
    @Option(help: "Metric the paired test compares.")
    var compareMetric: String = "ndcg@10"
    @Option(help: "Comma-separated metric cutoffs.")
    var k: String = "10,100"
    @Option(help: "Also report the queries none of whose relevant documents appear in these qrels (e.g. the training qrels), under \"unseen\".")
    var unseenAgainst: String?
    @Flag(help: "BEIR's rule: a query may not retrieve the document that has its own id.")
    var ignoreIdenticalIds = false
    @Flag(help: "Print one JSON object on stdout instead of a table.")
    var json = false
    @Flag(help: "Include per-query values (in the JSON object under \"per_query\").")
    var perQuery = false

    func run() throws {
        let cutoffs = try parseCutoffs(k)
        let files = InputFiles()
        let queryMatrix = try files.embeddings(queries, checked: true), corpusMatrix = try files.embeddings(corpus, checked: true)
        let qids = try files.ids(queryIds, rowsOf: queries), dids = try files.ids(corpusIds, rowsOf: corpus)
        let judgments = try files.qrels(qrels)
        var rows = [EvaluateWorkflow.Row(name: "primary", role: .stage, queries: queryMatrix, corpus: corpusMatrix,
                                         map: try loadAdapter(adapter, queries: queryMatrix, corpus: corpusMatrix)?.map)]
        if let compare {
            rows.insert(.init(name: "compare", role: .stage, queries: queryMatrix, corpus: corpusMatrix,
                              map: try loadAdapter(compare, queries: queryMatrix, corpus: corpusMatrix)?.map), at: 0)
        }
        var settings = EvaluateWorkflow.Settings(metrics: IRMetrics.metricNames(cutoffs: cutoffs), reference: "compare")
        settings.testedMetric = compareMetric
        settings.significance = compare != nil
        settings.ignoreIdenticalIds = ignoreIdenticalIds
        let train = try unseenAgainst.map { try files.qrels($0) }
        let outcome: EvaluateWorkflow.Outcome
        do {
            outcome = try EvaluateWorkflow.run(rows, queryIds: qids, corpusIds: dids, qrels: judgments, labeled: train, settings: settings)
        } catch RetrievalError.invalidParameter(let message) where message.contains(compareMetric) {
            throw CommandError(Self.unknownCompareMetric(compareMetric, k: k))
        } catch RetrievalError.empty(let message) {
            throw CommandError("nothing to do: \(message), with --qrels \(qrels), --query-ids \(queryIds) and "
                + "--corpus-ids \(corpusIds): check that the qrels use the ids of those files")
        }
        let run = outcome.runs[outcome.runs.count - 1].run
        for message in run.warnings.messages { warn("\(qrels): \(message)") }
        let tests = outcome.tests[rows[rows.count - 1].name]
        let comparison = compare.flatMap { label in
            tests?["all"].map { Comparison(label: label, metric: compareMetric, all: $0, unseen: tests?["unseen"]) }
        }
        let unseen = train.map { run.report.unseen(testQrels: judgments, trainQrels: $0) }
        let output = EvaluationOutput(run: run, unseen: unseen, includePerQuery: perQuery, comparison: comparison)
        print(json ? try output.json() : output.table())
    }

    /// The message for a `--compare-metric` not computed: when only its cutoff is missing, says to add it to `--k`.
    static func unknownCompareMetric(_ metric: String, k: String) -> String {
        let parts = metric.split(separator: "@")
        if parts.count == 2, let cutoff = Int(parts[1]), cutoff > 0,
           IRMetrics.metricNames(cutoffs: [cutoff]).contains(metric) {
            return "--compare-metric \(metric): computed only at the cutoffs of --k \(k); add \(cutoff) to --k (e.g. --k \(k),\(cutoff))"
        }
        return "--compare-metric \(metric): not one of the metrics computed at --k \(k) "
            + "(\(IRMetrics.metricNames(cutoffs: (try? parseCutoffs(k)) ?? [10]).joined(separator: ", ")))"
    }

    /// Reads an adapter and checks that it maps the query dimension to the corpus dimension.
    func loadAdapter(_ path: String?, queries queryMatrix: any RowMatrix, corpus corpusMatrix: any RowMatrix) throws -> Adapter? {
        guard let path else {
            guard queryMatrix.columns == corpusMatrix.columns else {
                throw CommandError("\(queries) has dimension \(queryMatrix.columns) but \(corpus) has "
                    + "\(corpusMatrix.columns): queries from another model need an adapter (--adapter, see `era align`)")
            }
            return nil
        }
        let adapter = try Adapter.load(URL(fileURLWithPath: path))
        let map = adapter.map
        guard map.sourceDimension == queryMatrix.columns, map.targetDimension == corpusMatrix.columns else {
            throw CommandError("\(path): the adapter maps \(map.sourceDimension)-d to \(map.targetDimension)-d vectors, "
                + "but \(queries) is \(queryMatrix.columns)-d and \(corpus) is \(corpusMatrix.columns)-d")
        }
        return adapter
    }
}

/// Parses `"10,100"` into sorted, unique, positive cutoffs.
func parseCutoffs(_ text: String) throws -> [Int] {
    let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    var cutoffs = [Int]()
    for part in parts {
        guard let value = Int(part), value > 0 else {
            throw CommandError("--k: expected positive integers separated by commas, got \"\(text)\"")
        }
        cutoffs.append(value)
    }
    guard !cutoffs.isEmpty else { throw CommandError("--k: no cutoff given") }
    return Array(Set(cutoffs)).sorted()
}
