import Foundation
import Postgres
import Retrieval
import Workflows

extension EvaluateCommand {
    /// `--corpus postgresql://...?table=T`: the table opened and checked, the rows searched through
    /// it, and with `--compare-exact` searched exactly in the table pulled whole.
    func runThroughPostgres(_ files: InputFiles) throws -> StoreEvaluation.Outcome {
        if let corpusIds {
            throw CommandError(
                "--corpus-ids \(corpusIds): not used with a Postgres table (its rows carry their ids); leave it out")
        }
        let location = try PostgresLocation(parsing: corpus)
        let judged = try [files.qrels(qrels)] + (unseenAgainst.map { [try files.qrels($0)] } ?? [])
        for (flag, value) in [("--ef-search", efSearch), ("--probes", probes)] where (value ?? 1) < 1 {
            throw CommandError("\(flag): must be a positive integer")
        }
        let index = try PostgresIndex.open(
            location, dimension: nil, qrels: judged,
            search: PostgresIndex.SearchSettings(efSearch: efSearch, probes: probes))
        if index.judgedMissing > 0 {
            warn("\(location): \(index.judgedMissing) judged document ids of the qrels are not in the table")
        }
        let request = try self.request(files, server: index.serverCorpus)
        return try PostgresEvaluateWorkflow.run(request, index: index, compareExact: compareExact)
    }

    /// The table's figures, and the exact comparison when it was asked for.
    func postgresText(_ outcome: StoreEvaluation.Outcome) -> String {
        var lines = [
            String(
                format: "through Postgres: %d queries in %.2f s (%.2f s per 1,000 queries)%@",
                outcome.serverQueries, outcome.serverSeconds,
                outcome.serverSeconds * 1000 / Double(max(1, outcome.serverQueries)), searchSettingsText)
        ]
        if let exact = outcome.exact {
            lines.append(
                String(
                    format: "pulled %d rows for exact search in %.2f s (binary COPY)", outcome.pulledRecords,
                    outcome.pullSeconds))
            lines += Self.comparisonLines(
                outcome.server, exact, outcome.comparisons, store: "postgres",
                heading: "the table's search beside exact search of the pulled table:")
        }
        return lines.joined(separator: "\n")
    }

    /// The file evaluation's JSON object with `postgres` (timing, settings and the exact comparison).
    func postgresJSON(_ output: EvaluationOutput, _ outcome: StoreEvaluation.Outcome) throws -> String {
        var object = try JSONSerialization.jsonObject(with: Data(try output.json().utf8)) as? [String: Any] ?? [:]
        var postgres: [String: Any] = [
            "queries": outcome.serverQueries, "search_seconds": outcome.serverSeconds,
            "ef_search": efSearch ?? NSNull(), "probes": probes ?? NSNull(),
        ]
        if !outcome.comparisons.isEmpty {
            postgres["exact"] = Self.comparisonJSON(outcome.comparisons)
            postgres["pulled_records"] = outcome.pulledRecords
            postgres["pull_seconds"] = outcome.pullSeconds
        }
        object["postgres"] = postgres
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
        return String(decoding: data, as: UTF8.self)
    }

    private var searchSettingsText: String {
        let parts = [efSearch.map { "hnsw.ef_search \($0)" }, probes.map { "ivfflat.probes \($0)" }].compactMap { $0 }
        return parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")"
    }
}
