import AdapterFormat
import Foundation
import Reports
import Retrieval

/// What an evaluation prints: the table for people (metrics, paired test, checks, score
/// calibration, verdict, the store's figures) or one JSON object for programs. `era evaluate` prints
/// it whole; `era run` prints the same checks and verdict lines, which Reports renders
/// (`SanityCheck.text(_:)`, `Verdict.line(form:)`).
///
/// JSON keys use the metric names of `../shared/bench/peer.py` ("ndcg@10", "recall@100", ...),
/// plus "queries", "search_s", "queries_per_s", and "unseen" / "per_query" when asked for.
public struct EvaluationRenderer {
    public var result: EvaluateWorkflow.Result
    /// How the primary map's paired test names the other map (`--compare`'s value), and its metric.
    public var comparedAgainst: String?
    public var comparedMetric: String
    public var includePerQuery: Bool

    public init(
        _ result: EvaluateWorkflow.Result, comparedAgainst: String?, comparedMetric: String, includePerQuery: Bool
    ) {
        self.result = result
        self.comparedAgainst = comparedAgainst
        self.comparedMetric = comparedMetric
        self.includePerQuery = includePerQuery
    }

    /// The table, then the store's figures when the index is a store.
    public func text() -> String {
        guard let store = result.store else { return table() }
        return table() + "\n\n" + storeText(store)
    }

    /// One JSON object (keys sorted); a store's figures under `chroma` or `postgres`.
    public func json() throws -> String {
        var object = jsonObject()
        if let store = result.store { object[store.name] = storeJSON(store) }
        let options: JSONSerialization.WritingOptions =
            result.store == nil ? [.sortedKeys] : [.sortedKeys, .prettyPrinted]
        let data = try JSONSerialization.data(withJSONObject: object, options: options)
        return String(decoding: data, as: UTF8.self)
    }

    private var evaluation: EvaluateWorkflow.AdapterOutcome { result.evaluation }
    private var comparison: (label: String, all: PairedComparison, unseen: PairedComparison?)? {
        comparedAgainst.flatMap { label in
            evaluation.comparison?["all"].map { (label, $0, evaluation.comparison?["unseen"]) }
        }
    }

    func jsonObject() -> [String: Any] {
        let run = evaluation.run
        var object: [String: Any] = [:]
        for (name, value) in run.report.mean { object[name] = Self.rounded(value) }
        object["queries"] = run.report.count
        object["search_s"] = run.timing.searchSeconds
        object["queries_per_s"] = run.timing.queriesPerSecond
        if let unseen = evaluation.unseen {
            var sub: [String: Any] = ["queries": unseen.count]
            for (name, value) in unseen.mean { sub[name] = Self.rounded(value) }
            object["unseen"] = sub
        }
        if let comparison {
            var compared: [String: Any] = [
                "against": comparison.label, "metric": comparedMetric, "all": Self.fields(comparison.all),
            ]
            if let unseen = comparison.unseen { compared["unseen"] = Self.fields(unseen) }
            object["compare"] = compared
        }
        if let verdict = evaluation.verdict { object["verdict"] = verdict.jsonObject }
        object["checks"] = SanityCheck.jsonObjects(evaluation.checks)
        if let calibration = evaluation.scoreCalibration { object["score_calibration"] = calibration.jsonObject }
        if includePerQuery {
            var per: [String: [String: Double]] = [:]
            for query in run.report.queries { per[query] = run.report.metrics(ofQuery: query) }
            object["per_query"] = per
        }
        return object
    }

    func table() -> String {
        let run = evaluation.run, unseen = evaluation.unseen
        var header = ["metric", "all (\(run.report.count) queries)"]
        if let unseen { header.append("unseen (\(unseen.count))") }
        var rows = [header]
        for name in run.report.metricNames {
            var row = [name, Self.format(run.report.mean[name])]
            if let unseen { row.append(Self.format(unseen.mean[name])) }
            rows.append(row)
        }
        var text = TextTable(rows).render()
        text += String(
            format: "\nsearch: %.3f s, %.0f queries/s", run.timing.searchSeconds, run.timing.queriesPerSecond)
        if let comparison {
            var lines = ["paired test of \(comparedMetric), this run minus \(comparison.label):"]
            lines.append("  all:    " + Self.describe(comparison.all))
            if let unseen = comparison.unseen { lines.append("  unseen: " + Self.describe(unseen)) }
            text += "\n\n" + lines.joined(separator: "\n")
        }
        if !evaluation.checks.isEmpty { text += "\n\n" + SanityCheck.text(evaluation.checks) }
        if let calibration = evaluation.scoreCalibration { text += "\n\n" + calibration.summary }
        if let verdict = evaluation.verdict { text += "\n\n" + verdict.line(form: .evaluate) }
        if includePerQuery {
            text += "\n\nper query (\(run.report.metricNames.joined(separator: ", "))):"
            for query in run.report.queries {
                let values = run.report.metricNames.map { Self.format(run.report.metrics(ofQuery: query)?[$0]) }
                text += "\n\(query)\t" + values.joined(separator: "\t")
            }
        }
        return text
    }

    /// The store's figures, and the exact comparison when it was asked for.
    func storeText(_ store: EvaluateWorkflow.StoreRun) -> String {
        let outcome = store.outcome
        let perThousand = outcome.serverSeconds * 1000 / Double(max(1, outcome.serverQueries))
        var lines: [String]
        if let traffic = store.traffic {
            lines = [
                String(
                    format: "through Chroma: %d queries in %.2f s (%.2f s per 1,000 queries); %d requests "
                        + "(%d query batches, %d pages of records fetched), %d retries",
                    outcome.serverQueries, outcome.serverSeconds, perThousand, traffic.requests,
                    traffic.queryBatches, traffic.pagesFetched, traffic.retries)
            ]
        } else {
            let settings = [
                store.searchSettings?.efSearch.map { "hnsw.ef_search \($0)" },
                store.searchSettings?.probes.map { "ivfflat.probes \($0)" },
            ].compactMap { $0 }
            lines = [
                String(
                    format: "through Postgres: %d queries in %.2f s (%.2f s per 1,000 queries)%@",
                    outcome.serverQueries, outcome.serverSeconds, perThousand,
                    settings.isEmpty ? "" : " (" + settings.joined(separator: ", ") + ")")
            ]
        }
        guard let exact = outcome.exact else { return lines.joined(separator: "\n") }
        let chroma = store.traffic != nil
        lines.append(
            String(
                format: chroma
                    ? "pulled %d records for exact search in %.2f s"
                    : "pulled %d rows for exact search in %.2f s (binary COPY)",
                outcome.pulledRecords, outcome.pullSeconds))
        lines += Self.comparisonLines(
            outcome.server, exact, outcome.comparisons, store: store.name,
            heading: chroma
                ? "the server's approximate search beside exact search of the pulled collection:"
                : "the table's search beside exact search of the pulled table:")
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

    func storeJSON(_ store: EvaluateWorkflow.StoreRun) -> [String: Any] {
        let outcome = store.outcome
        var object: [String: Any] = ["queries": outcome.serverQueries, "search_seconds": outcome.serverSeconds]
        if let traffic = store.traffic {
            object["requests"] = traffic.requests
            object["query_batches"] = traffic.queryBatches
            object["pages_fetched"] = traffic.pagesFetched
            object["retries"] = traffic.retries
        } else {
            object["ef_search"] = store.searchSettings?.efSearch ?? NSNull()
            object["probes"] = store.searchSettings?.probes ?? NSNull()
        }
        if !outcome.comparisons.isEmpty {
            object["exact"] = outcome.comparisons.map { comparison -> [String: Any] in
                [
                    "row": comparison.name, "server": comparison.server.report.mean,
                    "exact": comparison.exact.report.mean,
                    "recall_vs_exact": Dictionary(
                        uniqueKeysWithValues: comparison.recall.map { ("recall@\($0.key)", $0.value) }),
                ]
            }
            object["pulled_records"] = outcome.pulledRecords
            object["pull_seconds"] = outcome.pullSeconds
        }
        return object
    }

    private static func describe(_ c: PairedComparison) -> String {
        String(
            format: "%+.4f (%.4f vs %.4f), %.0f%% CI [%+.4f, %+.4f], p = %.4f over %d queries%@",
            c.meanDifference, c.meanB, c.meanA, c.confidenceLevel * 100, c.confidenceInterval.lowerBound,
            c.confidenceInterval.upperBound, c.pValue, c.count, c.pValue < 0.05 ? " (significant at 0.05)" : "")
    }

    private static func fields(_ c: PairedComparison) -> [String: Any] {
        [
            "difference": c.meanDifference, "this": c.meanB, "other": c.meanA, "p_value": c.pValue,
            "ci_low": c.confidenceInterval.lowerBound, "ci_high": c.confidenceInterval.upperBound,
            "queries": c.count, "trials": c.trials,
        ]
    }

    private static func rounded(_ value: Double) -> Double { (value * 1e6).rounded() / 1e6 }
    static func format(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "-" }
}
