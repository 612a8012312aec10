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
            Searches every query that has a relevant document in the qrels (grade > 0) against the
            whole corpus (exact inner product; rows are expected L2-normalized), and reports
            nDCG@k, Recall@k, P@k, MRR@k and MAP@k with pytrec_eval / BEIR semantics: graded gain,
            ideal DCG from all judged relevant documents, equal scores ordered by document id
            descending. Qrels queries without an embedding are skipped with a warning (as BEIR does).

            Example:
              era evaluate --queries queries.npy --query-ids query_ids.txt \\
                --corpus corpus.npy --corpus-ids corpus_ids.txt --qrels qrels.test.tsv --json
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
        guard data.queries.columns == data.corpus.columns else {
            throw CommandError("\(queries) has dimension \(data.queries.columns) but \(corpus) has \(data.corpus.columns): "
                + "queries from another model need an adapter (see `era align`)")
        }
        let run = try Evaluator.evaluate(
            queries: data.queries, queryIds: data.queryIds, corpus: data.corpus, corpusIds: data.corpusIds,
            qrels: data.qrels, cutoffs: cutoffs, ignoreIdenticalIds: ignoreIdenticalIds)
        for message in run.warnings.messages { warn("\(qrels): \(message)") }
        var unseen: EvaluationReport?
        if let unseenAgainst {
            let train = try Qrels.read(URL(fileURLWithPath: unseenAgainst))
            unseen = run.report.unseen(testQrels: data.qrels, trainQrels: train)
        }
        let output = EvaluationOutput(run: run, unseen: unseen, includePerQuery: perQuery)
        print(json ? try output.json() : output.table())
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
