extension RunReport {
    /// A single self-contained HTML file: inline CSS, inline SVG charts, no scripts or external assets.
    /// The verdict comes first, in a box; the details follow for whoever wants them.
    public func html() -> String {
        let e = SVGLineChart.escape
        var body = "<h1>era run: \(e(heading.name))</h1>\n"
        var meta =
            "era \(e(eraVersion)) · seed \(heading.seed) · config sha256 <code>\(e(String(configHash.prefix(12))))</code>"
        if let q = heading.queryModel, let d = heading.indexModel {
            meta += " · query model \(e(q)) → index model \(e(d))"
        }
        body += "<p class=\"meta\">\(meta)</p>\n"
        if let verdict = metrics.verdict {
            body +=
                "<div class=\"verdict \(verdict.decision.rawValue)\">\n<p class=\"headline\">\(e(Self.headline(verdict)))</p>\n<dl>\n"
            for fact in Self.verdictFacts(verdict, checks: metrics.checks) {
                body += "<dt>\(e(fact.label))</dt><dd>\(e(fact.text))</dd>\n"
            }
            body += "</dl>\n</div>\n"
        } else if !metrics.checks.isEmpty {
            body += "<h2>Checks</h2>\n<dl>\n"
            for fact in Self.checkFacts(metrics.checks) {
                body += "<dt>\(e(fact.label))</dt><dd>\(e(fact.text))</dd>\n"
            }
            body += "</dl>\n"
        }
        for (stage, table) in evaluations { body += evaluationHTML(stage: stage, table: table) }
        for (stage, curve) in sweeps {
            body += "<h2>Budget curve: \(e(stage))</h2>\n"
            for series in curve.series {
                body += "<figure>\n" + Self.budgetChart(stage: stage, curve: curve, series: series).render()
                body +=
                    "\n<figcaption>\(e(Self.metricTitle(curve.metric))) on \(e(series.subset)) queries against the number of labeled queries; band and bars: ± one standard deviation over repeats; dashed lines: references.</figcaption>\n</figure>\n"
            }
        }
        if !notes.isEmpty {
            body += "<h2>What the stages chose</h2>\n<ul class=\"choices\">\n"
            for (stage, lines) in notes {
                body += lines.map { "<li><strong>\(e(stage))</strong>: \(e($0))</li>\n" }.joined()
            }
            body += "</ul>\n"
        }
        // Stages without scalar results (evaluate, export: their results are above) get no table.
        let withValues = stageValues.filter { !$0.values.isEmpty }
        if !withValues.isEmpty { body += "<h2>Stage results</h2>\n<div class=\"stages\">\n" }
        for (stage, kind, values) in withValues {
            body +=
                "<table class=\"stage\">\n<caption>\(e(stage)) <span class=\"kind\">(\(kind.rawValue))</span></caption>\n<tbody>\n"
            for (key, value) in values {
                body += "<tr><th scope=\"row\">\(e(key))</th><td class=\"num\">\(Self.value(value))</td></tr>\n"
            }
            body += "</tbody>\n</table>\n"
        }
        if !withValues.isEmpty { body += "</div>\n" }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>era run: \(e(heading.name))</title>
            <style>
            body { font-family: Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1180px; padding: 0 1em; color: #222; }
            table { border-collapse: collapse; margin: 1em 0; font-size: 14px; }
            table.evaluation { font-size: 13px; }
            th, td { border: 1px solid #ccc; padding: 4px 6px; }
            td:first-child, th { white-space: nowrap; }
            .wide { overflow-x: auto; }
            th { background: #f2f2f2; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            td.delta { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            .up { color: #1a7f37; } .down { color: #c62828; } .flat { color: #777; }
            tr.baseline td:first-child { font-style: italic; }
            .meta { color: #666; }
            .verdict { border: 2px solid #999; border-radius: 6px; padding: 0.8em 1.2em; margin: 1.2em 0; background: #f7f7f7; }
            .verdict.use { border-color: #1a7f37; background: #eef8f0; }
            .verdict.keep { border-color: #c62828; background: #fdf0f0; }
            .verdict.switch { border-color: #1a7f37; background: #eef8f0; }
            .verdict.switch-costs { border-color: #c62828; background: #fdf0f0; }
            .verdict.withheld { border-color: #b26a00; background: #fff6e5; }
            .verdict .headline { font-size: 1.25em; font-weight: bold; margin: 0 0 0.5em; }
            .verdict dl { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; margin: 0; }
            .verdict dt { color: #555; } .verdict dd { margin: 0; font-variant-numeric: tabular-nums; }
            .notes { color: #555; font-size: 13px; }
            .notes ul { margin: 0.3em 0; padding-left: 1.4em; }
            figure { margin: 1em 0; width: 100%; }
            figure svg { display: block; width: 100%; height: auto; }
            figcaption { color: #666; font-size: 13px; }
            .stages { display: flex; flex-wrap: wrap; gap: 0 1.5em; align-items: flex-start; }
            table.stage caption { text-align: left; font-weight: bold; padding: 0.2em 0; }
            table.stage th { font-weight: normal; text-align: left; }
            .kind { color: #777; font-weight: normal; }
            </style>
            </head>
            <body>
            \(body)</body>
            </html>

            """
    }

    private func evaluationHTML(stage: String, table: MetricsTable) -> String {
        let e = SVGLineChart.escape
        var out = "<h2>Evaluation: \(e(stage))</h2>\n<ul>\n"
        for subset in table.subsets {
            out += "<li><b>\(e(subset.name))</b>: \(subset.queries) queries — \(e(subset.description))</li>\n"
        }
        let delta = Self.deltaTitle(table)
        let span = table.metrics.count + (delta == nil ? 0 : 1)
        // A scroll box, so many metrics widen the table, not the page.
        // No "kind" column: baselines are set in italics (said under the table), which keeps
        // ten metric columns and two Δ columns within the page.
        out += "</ul>\n<div class=\"wide\">\n<table class=\"evaluation\">\n<thead>\n<tr><th rowspan=\"2\">row</th>"
        for subset in table.subsets { out += "<th colspan=\"\(span)\">\(e(subset.name))</th>" }
        out += "</tr>\n<tr>"
        for _ in table.subsets {
            for metric in table.metrics { out += "<th>\(e(Self.metricTitle(metric)))</th>" }
            if let delta { out += "<th>\(e(delta))</th>" }
        }
        out += "</tr>\n</thead>\n<tbody>\n"
        // Best value of each column in bold.
        var best: [String: Double] = [:]
        for column in Self.columns(table) {
            best[column.title] = table.rows.compactMap { $0.values[column.subset]?[column.metric] }.max()
        }
        for row in table.rows {
            out += "<tr class=\"\(row.role.rawValue)\"><td>\(e(row.name))</td>"
            for subset in table.subsets {
                for metric in table.metrics {
                    let value = row.values[subset.name]?[metric]
                    let text = Self.number(value)
                    let isBest = value != nil && value == best["\(Self.metricTitle(metric)) (\(subset.name))"]
                    out += isBest ? "<td class=\"num\"><b>\(text)</b></td>" : "<td class=\"num\">\(text)</td>"
                }
                guard delta != nil else { continue }
                let cell = e(Self.deltaCell(row, subset: subset.name, table: table))
                if let test = Self.entry(row, subset: subset.name, table: table), row.name != table.comparedTo {
                    let tone = test.pValue < Self.alpha ? (test.difference > 0 ? "up" : "down") : "flat"
                    out += "<td class=\"delta \(tone)\" title=\"\(e(Self.intervalText(test)))\">\(cell)</td>"
                } else {
                    out += "<td class=\"delta\">\(cell)</td>"
                }
            }
            out += "</tr>\n"
        }
        out += "</tbody>\n</table>\n</div>\n"
        out += "<div class=\"notes\"><p><i>Italic</i>: baselines; upright: this run's maps."
        guard let legend = Self.deltaLegend(table) else { return out + "</p></div>\n" }
        out += " \(e(legend))</p>\n<ul>\n"
        for row in table.rows {
            let note = Self.deltaNote(row, table: table)
            if !note.isEmpty { out += "<li><b>\(e(row.name))</b>: \(e(note))</li>\n" }
        }
        return out + "</ul></div>\n"
    }
}
