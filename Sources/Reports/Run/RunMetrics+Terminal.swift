import Foundation

extension RunMetrics {
    /// What `era run` prints when it is done, in plain text: for every evaluate stage one table per
    /// query subset (every metric, and a compact Δ of the tested metric against the reference), for
    /// every sweep a summary by budget, and the verdict sentence last, where the eye lands.
    ///
    /// One table per subset keeps the width near 80–100 columns however many metrics there are.
    public func terminalTables() -> String {
        var blocks = [String]()
        for name in order {
            guard let table = stages[name]?.evaluation else { continue }
            blocks.append(Self.evaluationText(stage: name, table: table))
        }
        for name in order {
            guard let curve = stages[name]?.sweep else { continue }
            blocks.append(Self.sweepText(stage: name, curve: curve))
        }
        // The checks and the verdict as `era evaluate` prints them (its heading worded for a run).
        if !checks.isEmpty { blocks.append(SanityCheck.text(checks)) }
        if let verdict { blocks.append(verdict.line(form: .run)) }
        return blocks.joined(separator: "\n\n")
    }

    static func evaluationText(stage: String, table: MetricsTable) -> String {
        var parts = [String]()
        let delta = RunReport.deltaTitle(table)
        for subset in table.subsets {
            var rows = [["row"] + table.metrics.map(RunReport.metricTitle) + (delta.map { [$0, "p"] } ?? [])]
            for row in table.rows {
                var cells =
                    [row.name]
                    + table.metrics.map { metric in
                        row.values[subset.name]?[metric].map { String(format: "%.4f", $0) } ?? "-"
                    }
                if delta != nil {
                    let test = RunReport.entry(row, subset: subset.name, table: table)
                    cells.append(RunReport.deltaCell(row, subset: subset.name, table: table))
                    cells.append(test.map { $0.pValue < 0.001 ? "<0.001" : String(format: "%.3f", $0.pValue) } ?? "")
                }
                rows.append(cells)
            }
            parts.append(
                "\(stage), \(subset.name) (\(subset.queries) queries):\n" + Self.trimmed(TextTable(rows).render()))
        }
        if let metric = RunReport.testedMetric(table), let reference = table.comparedTo {
            parts.append(
                "Δ: \(RunReport.metricTitle(metric)) minus \(reference)'s on the same queries; "
                    + "▲/▼ significant (p < \(RunReport.alpha)), • not significant")
        }
        return parts.joined(separator: "\n\n")
    }

    static func sweepText(stage: String, curve: SweepCurve) -> String {
        let title = RunReport.metricTitle(curve.metric)
        var rows = [["labeled queries"] + curve.series.map { "\(title) \($0.subset) (mean ± sd)" } + ["repeats"]]
        let budgets = Array(Set(curve.series.flatMap { $0.points.map(\.labeledQueries) })).sorted()
        for budget in budgets {
            var cells = [String(budget)]
            var repeats = 0
            for series in curve.series {
                guard let p = series.points.first(where: { $0.labeledQueries == budget }) else {
                    cells.append("-"); continue
                }
                repeats = p.repeats
                cells.append(String(format: "%.4f ± %.4f", p.mean, p.sd))
            }
            rows.append(cells + [String(repeats)])
        }
        var text = "\(stage), budget curve:\n" + Self.trimmed(TextTable(rows).render())
        let references = curve.references.map { "\($0.label) (\($0.subset)) \(String(format: "%.4f", $0.value))" }
        if !references.isEmpty { text += "\nreferences: " + references.joined(separator: ", ") }
        return text
    }

    /// Without the padding TextTable leaves after the last column (noise in logs and diffs).
    package static func trimmed(_ table: String) -> String {
        table.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in String(line.reversed().drop { $0 == " " }.reversed()) }
            .joined(separator: "\n")
    }
}
