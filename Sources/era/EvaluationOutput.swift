import Foundation
import Retrieval
import Workflows

/// Renders an evaluation as a table for people or one JSON object for programs.
///
/// JSON keys use the metric names of `../shared/bench/peer.py` ("ndcg@10", "recall@100", ...),
/// plus "queries", "search_s", "queries_per_s", and "unseen" / "per_query" when asked for.
struct EvaluationOutput {
    var run: EvaluationRun
    var unseen: EvaluationReport?
    var includePerQuery: Bool
    var comparison: Comparison? = nil
    var verdict: Verdict? = nil
    var checks: [SanityCheck] = []
    /// The adapter's score calibration on these queries (``ScoreCalibrationCheck``).
    var scoreCalibration: ScoreCalibrationCheck? = nil

    func json() throws -> String {
        var object: [String: Any] = [:]
        for (name, value) in run.report.mean { object[name] = rounded(value) }
        object["queries"] = run.report.count
        object["search_s"] = run.timing.searchSeconds
        object["queries_per_s"] = run.timing.queriesPerSecond
        if let unseen {
            var sub: [String: Any] = ["queries": unseen.count]
            for (name, value) in unseen.mean { sub[name] = rounded(value) }
            object["unseen"] = sub
        }
        if let comparison { object["compare"] = comparison.jsonObject() }
        if let verdict {
            func fields(_ d: Verdict.Difference?) -> Any {
                d.map { ["delta": $0.delta, "p": $0.p, "ci": $0.ci] as [String: Any] } ?? NSNull()
            }
            var fieldsOfVerdict: [String: Any] = [
                "reference": verdict.reference, "best": verdict.best, "recommendation": verdict.recommendation,
                "decision": verdict.decision.rawValue, "metric": verdict.metric,
                "all": fields(verdict.all), "unseen": fields(verdict.unseen),
            ]
            if let question = verdict.question {
                fieldsOfVerdict["question"] = question.rawValue
                fieldsOfVerdict["margin"] = verdict.margin ?? NSNull()
                fieldsOfVerdict["retention"] = verdict.retention ?? NSNull()
                fieldsOfVerdict["gain_recovered"] = verdict.gainRecovered ?? NSNull()
                fieldsOfVerdict["cost"] = fields(verdict.cost)
            }
            object["verdict"] = fieldsOfVerdict
        }
        object["checks"] = SanityCheck.jsonObjects(checks)
        if let scoreCalibration { object["score_calibration"] = scoreCalibration.jsonObject }
        if includePerQuery {
            var per: [String: [String: Double]] = [:]
            for query in run.report.queries { per[query] = run.report.metrics(ofQuery: query) }
            object["per_query"] = per
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    func table() -> String {
        var header = ["metric", "all (\(run.report.count) queries)"]
        if let unseen { header.append("unseen (\(unseen.count))") }
        var rows = [header]
        for name in run.report.metricNames {
            var row = [name, format(run.report.mean[name])]
            if let unseen { row.append(format(unseen.mean[name])) }
            rows.append(row)
        }
        var text = TextTable(rows).render()
        text += String(
            format: "\nsearch: %.3f s, %.0f queries/s", run.timing.searchSeconds, run.timing.queriesPerSecond)
        if let comparison { text += "\n\n" + comparison.text() }
        if !checks.isEmpty { text += "\n\n" + SanityCheck.text(checks) }
        if let scoreCalibration { text += "\n\n" + scoreCalibration.summary }
        if let verdict {
            let question =
                verdict.question == .upgrade ? "upgrade verdict, can I switch to the new model now? " : "verdict "
            text += "\n\n\(question)(against \(verdict.reference), \(verdict.referenceKind)): \(verdict.recommendation)"
        }
        if includePerQuery {
            text += "\n\nper query (\(run.report.metricNames.joined(separator: ", "))):"
            for query in run.report.queries {
                let values = run.report.metricNames.map { format(run.report.metrics(ofQuery: query)?[$0]) }
                text += "\n\(query)\t" + values.joined(separator: "\t")
            }
        }
        return text
    }

    private func rounded(_ value: Double) -> Double { (value * 1e6).rounded() / 1e6 }
    private func format(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "-" }
}

/// A paired test of this run against `--compare` (B = this run, A = the other), on all queries
/// and, when asked for, on the unseen subset.
struct Comparison {
    var label: String
    var metric: String
    var all: PairedComparison
    var unseen: PairedComparison?

    func text() -> String {
        var lines = ["paired test of \(metric), this run minus \(label):"]
        lines.append("  all:    " + describe(all))
        if let unseen { lines.append("  unseen: " + describe(unseen)) }
        return lines.joined(separator: "\n")
    }

    func jsonObject() -> [String: Any] {
        var object: [String: Any] = ["against": label, "metric": metric, "all": fields(all)]
        if let unseen { object["unseen"] = fields(unseen) }
        return object
    }

    private func describe(_ c: PairedComparison) -> String {
        String(
            format: "%+.4f (%.4f vs %.4f), %.0f%% CI [%+.4f, %+.4f], p = %.4f over %d queries%@",
            c.meanDifference, c.meanB, c.meanA, c.confidenceLevel * 100, c.confidenceInterval.lowerBound,
            c.confidenceInterval.upperBound, c.pValue, c.count, c.pValue < 0.05 ? " (significant at 0.05)" : "")
    }

    private func fields(_ c: PairedComparison) -> [String: Any] {
        [
            "difference": c.meanDifference, "this": c.meanB, "other": c.meanA, "p_value": c.pValue,
            "ci_low": c.confidenceInterval.lowerBound, "ci_high": c.confidenceInterval.upperBound,
            "queries": c.count, "trials": c.trials,
        ]
    }
}
