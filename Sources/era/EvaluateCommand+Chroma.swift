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
        guard !outcome.comparisons.isEmpty, let exact = outcome.exact else { return lines.joined(separator: "\n") }
        let cutoffs = outcome.comparisons[0].recall.keys.sorted()
        let metric = outcome.server.rows.table.metrics.first ?? "ndcg@10"
        let subsets = outcome.server.rows.table.subsets.map(\.name)
        var rows = [
            ["row"] + subsets.flatMap { ["\(metric) \($0) chroma", "exact"] }
                + cutoffs.map { "recall@\($0) vs exact" }
        ]
        for (comparison, (server, exact)) in zip(
            outcome.comparisons, zip(outcome.server.rows.table.rows, exact.rows.table.rows))
        {
            rows.append(
                [comparison.name]
                    + subsets.flatMap { [format(server.values[$0]?[metric]), format(exact.values[$0]?[metric])] }
                    + cutoffs.map { format(comparison.recall[$0]) })
        }
        lines.append("")
        lines.append("the server's approximate search beside exact search of the pulled collection:")
        lines.append(TextTable(rows).render())
        return lines.joined(separator: "\n")
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
            chroma["exact"] = outcome.comparisons.map { comparison -> [String: Any] in
                [
                    "row": comparison.name, "server": comparison.server.report.mean,
                    "exact": comparison.exact.report.mean,
                    "recall_vs_exact": Dictionary(
                        uniqueKeysWithValues: comparison.recall.map { ("recall@\($0.key)", $0.value) }),
                ]
            }
        }
        object["chroma"] = chroma
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
        return String(decoding: data, as: UTF8.self)
    }

    private static func format(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "-" }
}
