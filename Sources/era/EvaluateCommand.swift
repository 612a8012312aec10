import ArgumentParser
import Foundation
import Workflows

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Exact search of queries against an index, scored with the standard IR metrics.",
        discussion: discussion
    )

    @Option(help: "Query embeddings, .npy [queries, dim] (<f4, <f2 or <f8).")
    var queries: String
    @Option(help: "Query ids, one a line, in the row order of --queries.")
    var queryIds: String
    @Option(
        help:
            "Index (document) embeddings, .npy [documents, dim] (<f4 files are memory-mapped); or a Chroma collection, chroma://HOST:PORT/COLLECTION[?tenant=T&database=D], searched through its query API (token in $ERA_CHROMA_TOKEN); or a pgvector table, postgresql://USER@HOST:PORT/DB?table=T&id_column=ID&embedding_column=E, searched by inner product (password from PGPASSWORD or ~/.pgpass, never the URI)."
    )
    var corpus: String
    @Option(
        help: "Document ids, one a line, in the row order of --corpus (not with a chroma:// or postgresql:// --corpus)."
    )
    var corpusIds: String?
    @Flag(
        help:
            "With a chroma:// or postgresql:// --corpus: also pull the collection or table and search it exactly, with recall of the store's top-k against exact top-k."
    )
    var compareExact = false
    @Option(help: "With a postgresql:// --corpus: hnsw.ef_search for the session (pgvector's default 40).")
    var efSearch: Int?
    @Option(help: "With a postgresql:// --corpus: ivfflat.probes for the session (pgvector's default 1).")
    var probes: Int?
    @Option(help: "With a chroma:// --corpus: seconds each request may take before it is retried.")
    var chromaTimeout: Double = 60
    @Option(help: "Relevance judgments: BEIR TSV (query-id, corpus-id, score) or TREC (qid 0 docid rel).")
    var qrels: String
    @Option(help: "Adapter (safetensors from `era align` / `era adapt`) applied to the queries before search.")
    var adapter: String?
    @Option(
        help:
            "A second adapter to compare against --adapter (or the raw queries) on the same queries, with a paired significance test."
    )
    var compare: String?
    @Option(
        help:
            "The index model's own embeddings of the same queries, .npy, rows in --query-ids order: the reference of the verdict, and the second input of hybrid adapters."
    )
    var indexQueries: String?
    @Flag(
        help:
            "The index model is retired (it cannot embed new queries): --index-queries only score the index as it was, a hybrid adapter is refused, and the verdict answers \"can I switch to the new model now?\" (decision switch or switch-costs)."
    )
    var retiredIndexModel = false
    @Option(
        help:
            "The corpus re-embedded by the query model, .npy, rows in --corpus-ids order: the re-embedded row (the expensive alternative), and the upgrade verdict's retention and gain recovered."
    )
    var reembeddedCorpus: String?
    @Option(help: .setting(EvaluateSettings.self, "margin")) var margin: Double?
    @Flag(help: .setting(EvaluateSettings.self, "gate")) var gate = false
    @Option(help: .setting(EvaluateSettings.self, "significance_trials")) var significanceTrials: Int?
    @Option(help: .setting(EvaluateSettings.self, "confidence")) var confidence: Double?
    @Option(help: "Metric the paired test compares.")
    var compareMetric: String = "ndcg@10"
    @Option(help: "Comma-separated metric cutoffs.")
    var k: String = "10,100"
    @Option(
        help:
            "Also report the queries none of whose relevant documents appear in these qrels (e.g. the training qrels), under \"unseen\"."
    )
    var unseenAgainst: String?
    @Flag(help: .setting(EvaluateSettings.self, "exclude_labeled")) var excludeLabeled = false
    @Flag(help: .setting(EvaluateSettings.self, "ignore_identical_ids")) var ignoreIdenticalIds = false
    @Flag(help: "Print one JSON object on stdout instead of a table.")
    var json = false
    @Flag(help: "Include per-query values (in the JSON object under \"per_query\").")
    var perQuery = false

    func run() throws {
        if excludeLabeled, unseenAgainst == nil {
            throw CommandError(
                "--exclude-labeled: give the labeled qrels (the training qrels) with --unseen-against")
        }
        guard EvaluateSettings.metrics(cutoffs: try parseCutoffs(k)).contains(compareMetric) else {
            throw CommandError(Self.unknownCompareMetric(compareMetric, k: k))
        }
        let result: EvaluateWorkflow.Result
        do {
            result = try EvaluateWorkflow.run(try request(InputFiles()))
        } catch let error as EvaluateInputError {
            throw try message(for: error)
        }
        for message in result.evaluation.run.warnings.messages { warn("\(qrels): \(message)") }
        let renderer = EvaluationRenderer(
            result, comparedAgainst: compare, comparedMetric: compareMetric, includePerQuery: perQuery)
        print(json ? try renderer.json() : renderer.text())
        if gate {
            let code = result.evaluation.verdict?.exitCode ?? Verdict.exitNoAdvice
            if code != 0 { throw ExitCode(code) }
        }
    }
}
