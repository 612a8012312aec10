import Foundation

/// The compact comparison shared by report.md, report.html and the terminal: each row's Δ of the
/// tested metric against the reference row, with a marker, and its CI and p kept for a footnote
/// or a tooltip, so a table cell is one short line instead of a paragraph.
extension RunReport {
    /// The significance level of the markers, the verdict's (`Verdict.of` default).
    static let alpha = 0.05

    /// The metric the rows were tested on (the significance entries'), nil without tests.
    static func testedMetric(_ table: MetricsTable) -> String? {
        guard table.comparedTo != nil else { return nil }
        return table.rows.lazy.flatMap(\.significance).first?.metric
    }

    /// The test of `row` against the reference on one subset.
    static func entry(_ row: MetricsRow, subset: String, table: MetricsTable) -> SignificanceEntry? {
        guard let metric = testedMetric(table) else { return nil }
        return row.significance.first { $0.subset == subset && $0.metric == metric }
    }

    /// ▲ significantly higher, ▼ significantly lower, • no significant difference.
    static func marker(_ entry: SignificanceEntry) -> String {
        entry.pValue < alpha ? (entry.difference > 0 ? "▲" : "▼") : "•"
    }

    /// A Δ cell: `+0.0312 ▲`, `ref` for the reference row, `–` without a test.
    static func deltaCell(_ row: MetricsRow, subset: String, table: MetricsTable) -> String {
        if row.name == table.comparedTo { return "ref" }
        guard let e = entry(row, subset: subset, table: table) else { return "–" }
        return "\(signed(e.difference)) \(marker(e))"
    }

    /// `+0.0312, 95% CI [0.0080, 0.0550], p = 0.012`.
    static func intervalText(_ e: SignificanceEntry) -> String {
        "\(signed(e.difference)), \(Int((e.confidence * 100).rounded()))% CI [\(String(format: "%.4f", e.lower)), "
            + "\(String(format: "%.4f", e.upper))], \(pValue(e.pValue))"
    }

    /// The footnote of one row: `all: <interval>; unseen: <interval>` (empty without tests).
    static func deltaNote(_ row: MetricsRow, table: MetricsTable) -> String {
        table.subsets.compactMap { subset in
            entry(row, subset: subset.name, table: table).map { "\(subset.name): \(intervalText($0))" }
        }.joined(separator: "; ")
    }

    /// The header of a Δ column, e.g. `Δ nDCG@10`.
    static func deltaTitle(_ table: MetricsTable) -> String? {
        testedMetric(table).map { "Δ \(metricTitle($0))" }
    }

    /// What the Δ column means, under the table.
    static func deltaLegend(_ table: MetricsTable) -> String? {
        guard let metric = testedMetric(table), let reference = table.comparedTo else { return nil }
        return "Δ: \(metricTitle(metric)) minus \(reference)'s on the same queries (paired). "
            + "▲ higher, ▼ lower with p < \(alpha); • no significant difference. "
            + "CI: bootstrap interval of Δ; p: two-sided randomization test."
    }

    /// The verdict's comparison on one subset: `+0.0312 (95% CI [0.0080, 0.0550], p = 0.012)`.
    static func verdictDifference(_ d: Verdict.Difference) -> String {
        let ci =
            d.ci.count == 2
            ? "\(d.intervalName) [\(String(format: "%.4f", d.ci[0])), \(String(format: "%.4f", d.ci[1]))], " : ""
        return "\(signed(d.delta)) (\(ci)\(pValue(d.p)))"
    }

    /// The verdict's facts beside its sentence, as (label, text) pairs.
    static func verdictFacts(_ v: Verdict, checks: [SanityCheck] = []) -> [(label: String, text: String)] {
        let recommended =
            switch v.decision {
            case .use: v.best
            case .keep: "\(v.best) (keep the current queries)"
            case .unclear: "\(v.best) (no map is clearly better)"
            case .withheld: "nothing: a check failed, the figures cannot be trusted"
            case .switchNow: "switch to the new model now, its queries through \(v.best)"
            case .switchCosts:
                v.costExceedsMargin
                    ? "switching through \(v.best) costs more than the margin"
                    : "switching through \(v.best) may cost more than the margin (the interval reaches beyond it)"
            }
        var facts = [("reference", "\(v.reference) — \(v.referenceKind)"), ("recommended", recommended)]
        if v.question == .upgrade { facts.insert(("question", "can I switch to the new model now?"), at: 0) }
        let title = metricTitle(v.metric)
        if let all = v.all { facts.append(("Δ \(title), all queries", verdictDifference(all))) }
        if let unseen = v.unseen { facts.append(("Δ \(title), unseen queries", verdictDifference(unseen))) }
        if let margin = v.margin { facts.append(("non-inferiority margin", String(format: "%.3f \(title)", margin))) }
        if let cost = v.cost { facts.append(("cost of switching now", verdictDifference(cost))) }
        if let retention = v.retention {
            facts.append(("retention", String(format: "%.3f of the re-embedded corpus's \(title)", retention)))
        }
        if let gain = v.gainRecovered {
            facts.append(("gain recovered", String(format: "%.3f of what re-embedding gains", gain)))
        }
        return facts + checkFacts(checks)
    }

    /// One fact per sanity check: `check <name>`, `<status>: <detail>`.
    static func checkFacts(_ checks: [SanityCheck]) -> [(label: String, text: String)] {
        checks.map { ("check \($0.name)", "\($0.status.rawValue): \($0.detail)") }
    }

    /// The sentence with its first letter capitalized, as a headline.
    static func headline(_ v: Verdict) -> String {
        v.recommendation.prefix(1).uppercased() + v.recommendation.dropFirst()
    }
}
