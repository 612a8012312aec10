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
        let data = try EvaluationInputs.load(
            queries: queries, queryIds: queryIds, corpus: corpus, corpusIds: corpusIds, qrels: qrels)
        let primary = try loadAdapter(adapter, fitting: data)
        let run = try evaluate(data, with: primary, cutoffs: cutoffs)
        for message in run.warnings.messages { warn("\(qrels): \(message)") }
        let train = try unseenAgainst.map { try Qrels.read(URL(fileURLWithPath: $0)) }
        let unseen = train.map { run.report.unseen(testQrels: data.qrels, trainQrels: $0) }

        var comparison: Comparison?
        if let compare {
            let other = try evaluate(data, with: try loadAdapter(compare, fitting: data), cutoffs: cutoffs)
            let all = try PairedSignificance.compare(other.report, run.report, metric: compareMetric)
            var unseenTest: PairedComparison?
            if let train, let unseen {
                let otherUnseen = other.report.unseen(testQrels: data.qrels, trainQrels: train)
                unseenTest = try PairedSignificance.compare(otherUnseen, unseen, metric: compareMetric)
            }
            comparison = Comparison(label: compare, metric: compareMetric, all: all, unseen: unseenTest)
        }
        let output = EvaluationOutput(run: run, unseen: unseen, includePerQuery: perQuery, comparison: comparison)
        print(json ? try output.json() : output.table())
    }
}

extension EvaluateCommand {
    /// Reads an adapter and checks that it maps the query dimension to the corpus dimension.
    func loadAdapter(_ path: String?, fitting data: EvaluationInputs) throws -> Adapter? {
        guard let path else {
            guard data.queries.columns == data.corpus.columns else {
                throw CommandError("\(queries) has dimension \(data.queries.columns) but \(corpus) has "
                    + "\(data.corpus.columns): queries from another model need an adapter (--adapter, see `era align`)")
            }
            return nil
        }
        let adapter = try Adapter.load(URL(fileURLWithPath: path))
        let map = adapter.map
        guard map.sourceDimension == data.queries.columns, map.targetDimension == data.corpus.columns else {
            throw CommandError("\(path): the adapter maps \(map.sourceDimension)-d to \(map.targetDimension)-d vectors, "
                + "but \(queries) is \(data.queries.columns)-d and \(corpus) is \(data.corpus.columns)-d")
        }
        return adapter
    }

    func evaluate(_ data: EvaluationInputs, with adapter: Adapter?, cutoffs: [Int]) throws -> EvaluationRun {
        try Evaluator.evaluate(
            queries: data.queries, queryIds: data.queryIds, corpus: data.corpus, corpusIds: data.corpusIds,
            qrels: data.qrels, cutoffs: cutoffs, ignoreIdenticalIds: ignoreIdenticalIds,
            mapQueries: adapter.map { adapter in { (queries: Matrix) throws -> Matrix in try adapter.apply(to: queries) } })
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

/// Writes a warning line to stderr (stdout stays clean for --json).
func warn(_ message: String) {
    FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
}
