import Chroma
import Foundation
import Retrieval
import Workflows

extension EvaluateCommand {
    /// `--corpus chroma://...`: the collection opened and checked, the rows searched through it,
    /// and with `--compare-exact` searched exactly in the collection pulled whole.
    func runThroughChroma(_ files: InputFiles) throws -> ChromaEvaluateWorkflow.Outcome {
        if let corpusIds {
            throw CommandError(
                "--corpus-ids \(corpusIds): not used with a Chroma collection (its records carry their ids); leave it out"
            )
        }
        guard chromaTimeout > 0 else { throw CommandError("--chroma-timeout: must be a positive number of seconds") }
        let location = try ChromaLocation(parsing: corpus)
        let judged = try [files.qrels(qrels)] + (unseenAgainst.map { [try files.qrels($0)] } ?? [])
        let index = try ChromaIndex.open(
            location, dimension: nil, qrels: judged, policy: ChromaRetryPolicy(timeout: chromaTimeout))
        if index.judgedMissing > 0 {
            warn("\(location): \(index.judgedMissing) judged document ids of the qrels are not in the collection")
        }
        let request = try self.request(files, server: index.serverCorpus)
        return try ChromaEvaluateWorkflow.run(request, index: index, compareExact: compareExact)
    }

    /// The server's figures, and the exact comparison when it was asked for.
    static func text(_ outcome: ChromaEvaluateWorkflow.Outcome) -> String {
        let traffic = outcome.traffic
        var lines = [
            String(
                format: "through Chroma: %d queries in %.2f s (%.2f s per 1,000 queries); %d requests "
                    + "(%d query batches, %d pages of records fetched), %d retries",
                outcome.serverQueries, outcome.serverSeconds,
                outcome.serverSeconds * 1000 / Double(max(1, outcome.serverQueries)), traffic.requests,
                traffic.queryBatches, traffic.pagesFetched, traffic.retries)
        ]
        guard let exact = outcome.exact else { return lines.joined(separator: "\n") }
        lines.append(
            String(format: "pulled %d records for exact search in %.2f s", outcome.pulledRecords, outcome.pullSeconds))
        lines += comparisonLines(
            outcome.server, exact, outcome.comparisons, store: "chroma",
            heading: "the server's approximate search beside exact search of the pulled collection:")
        return lines.joined(separator: "\n")
    }

    /// The store's rows beside exact search of the pulled records, with recall against exact.
    static func comparisonLines(
        _ server: EvaluateWorkflow.AdapterOutcome, _ exact: EvaluateWorkflow.AdapterOutcome,
        _ comparisons: [StoreEvaluation.ExactComparison], store: String, heading: String
    ) -> [String] {
        guard !comparisons.isEmpty else { return [] }
        let cutoffs = comparisons[0].recall.keys.sorted()
        let metric = server.rows.table.metrics.first ?? "ndcg@10"
        let subsets = server.rows.table.subsets.map(\.name)
        var rows = [
            ["row"] + subsets.flatMap { ["\(metric) \($0) \(store)", "exact"] }
                + cutoffs.map { "recall@\($0) vs exact" }
        ]
        for (comparison, (serverRow, exactRow)) in zip(comparisons, zip(server.rows.table.rows, exact.rows.table.rows))
        {
            rows.append(
                [comparison.name]
                    + subsets.flatMap { [format(serverRow.values[$0]?[metric]), format(exactRow.values[$0]?[metric])] }
                    + cutoffs.map { format(comparison.recall[$0]) })
        }
        return ["", heading, TextTable(rows).render()]
    }

    /// The comparisons as JSON objects (row, store and exact means, recall against exact).
    static func comparisonJSON(_ comparisons: [StoreEvaluation.ExactComparison]) -> [[String: Any]] {
        comparisons.map { comparison -> [String: Any] in
            [
                "row": comparison.name, "server": comparison.server.report.mean,
                "exact": comparison.exact.report.mean,
                "recall_vs_exact": Dictionary(
                    uniqueKeysWithValues: comparison.recall.map { ("recall@\($0.key)", $0.value) }),
            ]
        }
    }

    /// The file evaluation's JSON object with `chroma` (traffic, timing, and the exact comparison).
    static func json(_ output: EvaluationOutput, _ outcome: ChromaEvaluateWorkflow.Outcome) throws -> String {
        var object = try JSONSerialization.jsonObject(with: Data(try output.json().utf8)) as? [String: Any] ?? [:]
        let traffic = outcome.traffic
        var chroma: [String: Any] = [
            "queries": outcome.serverQueries, "search_seconds": outcome.serverSeconds,
            "requests": traffic.requests, "query_batches": traffic.queryBatches,
            "pages_fetched": traffic.pagesFetched, "retries": traffic.retries,
        ]
        if !outcome.comparisons.isEmpty {
            chroma["exact"] = comparisonJSON(outcome.comparisons)
            chroma["pulled_records"] = outcome.pulledRecords
            chroma["pull_seconds"] = outcome.pullSeconds
        }
        object["chroma"] = chroma
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
        return String(decoding: data, as: UTF8.self)
    }

    static func format(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "-" }
}
