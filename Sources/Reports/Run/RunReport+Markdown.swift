extension RunReport {
    /// `report.md`: the verdict paragraph, then the same sections as the HTML report.
    public func markdown() -> String {
        var out = "# era run: \(heading.name)\n\n"
        out += "era \(eraVersion) · seed \(heading.seed) · config sha256 `\(configHash.prefix(12))`"
        if let q = heading.queryModel, let d = heading.indexModel {
            out += " · query model \(q) → index model \(d)"
        }
        out += "\n\n"
        if let verdict = metrics.verdict {
            out += "> **\(Self.headline(verdict)).**\n>\n"
            out +=
                Self.verdictFacts(verdict, checks: metrics.checks).map { "> \($0.label): \($0.text)" }
                .joined(separator: "  \n") + "\n\n"
        } else if !metrics.checks.isEmpty {
            out += "## Checks\n\n"
            out += Self.checkFacts(metrics.checks).map { "- \($0.label): \($0.text)\n" }.joined() + "\n"
        }
        for (stage, table) in evaluations { out += evaluationMarkdown(stage: stage, table: table) }
        for (stage, curve) in sweeps { out += sweepMarkdown(stage: stage, curve: curve) }
        if !notes.isEmpty {
            out += "## What the stages chose\n\n"
            for (stage, lines) in notes { out += lines.map { "- **\(stage)**: \($0)\n" }.joined() }
            out += "\n"
        }
        // Stages without scalar results (evaluate, export: their results are above) get no table.
        let withValues = stageValues.filter { !$0.values.isEmpty }
        if !withValues.isEmpty { out += "## Stage results\n\n" }
        for (stage, kind, values) in withValues {
            out += "**\(stage)** (\(kind.rawValue))\n\n| result | value |\n|---|---:|\n"
            for (key, value) in values { out += "| \(key) | \(Self.value(value)) |\n" }
            out += "\n"
        }
        return out
    }

    private func evaluationMarkdown(stage: String, table: MetricsTable) -> String {
        var out = "## Evaluation: \(stage)\n\n"
        for subset in table.subsets {
            out += "- **\(subset.name)**: \(subset.queries) queries — \(subset.description)\n"
        }
        out += "\n"
        let delta = Self.deltaTitle(table)
        // Each subset's metrics, then its Δ column, so a Δ sits beside the values it compares.
        var header = ["row", "kind"], align = ["---", "---"]
        for subset in table.subsets {
            header += table.metrics.map { "\(Self.metricTitle($0)) (\(subset.name))" }
            align += table.metrics.map { _ in "---:" }
            if let delta { header.append("\(delta) (\(subset.name))"); align.append("---:") }
        }
        out += "| " + header.joined(separator: " | ") + " |\n|" + align.joined(separator: "|") + "|\n"
        for row in table.rows {
            var cells = [row.name, row.role.rawValue]
            for subset in table.subsets {
                cells += table.metrics.map { Self.number(row.values[subset.name]?[$0]) }
                if delta != nil { cells.append(Self.deltaCell(row, subset: subset.name, table: table)) }
            }
            out += "| " + cells.joined(separator: " | ") + " |\n"
        }
        if let legend = Self.deltaLegend(table) {
            out += "\n\(legend)\n\n"
            for row in table.rows {
                let note = Self.deltaNote(row, table: table)
                if !note.isEmpty { out += "- \(row.name): \(note)\n" }
            }
        }
        return out + "\n"
    }

    private func sweepMarkdown(stage: String, curve: SweepCurve) -> String {
        var out = "## Budget curve: \(stage)\n\n"
        for series in curve.series {
            out +=
                "![\(stage) budget chart, \(series.subset) queries](\(Self.chartName(stage: stage, subset: series.subset)))\n\n"
        }
        let subsets = curve.series.map(\.subset)
        out +=
            "| labeled queries | "
            + subsets.map { "\(Self.metricTitle(curve.metric)) \($0) (mean ± sd) | vs stage one \($0)" }
            .joined(separator: " | ") + " | repeats |\n"
        out += "|---:|" + subsets.map { _ in "---:|---|" }.joined() + "---:|\n"
        let budgets = Array(Set(curve.series.flatMap { $0.points.map(\.labeledQueries) })).sorted()
        for budget in budgets {
            var cells: [String] = []
            var repeats = 0
            for series in curve.series {
                guard let p = series.points.first(where: { $0.labeledQueries == budget }) else {
                    cells += ["–", ""]; continue
                }
                repeats = p.repeats
                cells.append("\(Self.number(p.mean)) ± \(Self.number(p.sd))")
                if let d = p.differenceToStageOne, let pv = p.pValue {
                    cells.append("\(Self.signed(d)), \(Self.pValue(pv))")
                } else {
                    cells.append("")
                }
            }
            out += "| \(budget) | " + cells.joined(separator: " | ") + " | \(repeats) |\n"
        }
        out += "\n"
        for reference in curve.references {
            out += "- \(reference.label) (\(reference.subset)): \(Self.number(reference.value))\n"
        }
        return out + "\n"
    }
}
