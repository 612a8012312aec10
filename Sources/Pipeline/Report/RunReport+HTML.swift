import Workflows
extension RunReport {
    /// A single self-contained HTML file: inline CSS, inline SVG charts, no scripts or external assets.
    public func html() -> String {
        let e = SVGLineChart.escape
        var body = "<h1>era run: \(e(config.name))</h1>\n"
        var meta = "era \(e(eraVersion)) · seed \(config.seed) · config sha256 <code>\(e(String(configHash.prefix(12))))</code>"
        if let q = config.models.query.name, let d = config.models.index.name {
            meta += " · query model \(e(q)) → index model \(e(d))"
        }
        body += "<p class=\"meta\">\(meta)</p>\n"
        for (stage, table) in evaluations {
            body += "<h2>Evaluation: \(e(stage))</h2>\n<ul>\n"
            for subset in table.subsets {
                body += "<li><b>\(e(subset.name))</b>: \(subset.queries) queries — \(e(subset.description))</li>\n"
            }
            body += "</ul>\n<table>\n<thead>\n<tr><th rowspan=\"2\">row</th><th rowspan=\"2\">kind</th>"
            for subset in table.subsets {
                body += "<th colspan=\"\(table.metrics.count)\">\(e(subset.name))</th>"
            }
            let significanceTitle = table.comparedTo.map { "vs \($0) (\(Self.metricTitle(table.metrics.first ?? "")))" } ?? "significance"
            body += "<th rowspan=\"2\">\(e(significanceTitle))</th></tr>\n<tr>"
            for _ in table.subsets {
                for metric in table.metrics { body += "<th>\(e(Self.metricTitle(metric)))</th>" }
            }
            body += "</tr>\n</thead>\n<tbody>\n"
            let columns = Self.columns(table)
            // Best value of each column in bold.
            var best: [String: Double] = [:]
            for column in columns {
                best[column.title] = table.rows.compactMap { $0.values[column.subset]?[column.metric] }.max()
            }
            for row in table.rows {
                body += "<tr class=\"\(row.role.rawValue)\"><td>\(e(row.name))</td><td>\(row.role.rawValue)</td>"
                for column in columns {
                    let value = row.values[column.subset]?[column.metric]
                    let text = Self.number(value)
                    body += value != nil && value == best[column.title] ? "<td class=\"num\"><b>\(text)</b></td>" : "<td class=\"num\">\(text)</td>"
                }
                body += "<td>\(e(Self.significanceText(row, table: table)))</td></tr>\n"
            }
            body += "</tbody>\n</table>\n"
        }
        for (stage, curve) in sweeps {
            body += "<h2>Budget curve: \(e(stage))</h2>\n"
            for series in curve.series {
                body += "<figure>\n" + Self.budgetChart(stage: stage, curve: curve, series: series).render()
                body += "\n<figcaption>\(e(Self.metricTitle(curve.metric))) on \(e(series.subset)) queries against the number of labeled queries; band and bars: ± one standard deviation over repeats; dashed lines: references.</figcaption>\n</figure>\n"
            }
        }
        body += "<h2>Stages</h2>\n<table>\n<thead><tr><th>stage</th><th>kind</th><th>results</th></tr></thead>\n<tbody>\n"
        for (stage, kind, values) in stageValues {
            let text = values.map { "\($0.0) = \(Self.value($0.1))" }.joined(separator: ", ")
            body += "<tr><td>\(e(stage))</td><td>\(kind.rawValue)</td><td>\(e(text))</td></tr>\n"
        }
        body += "</tbody>\n</table>\n"
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>era run: \(e(config.name))</title>
            <style>
            body { font-family: Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
            table { border-collapse: collapse; margin: 1em 0; font-size: 14px; }
            th, td { border: 1px solid #ccc; padding: 4px 8px; }
            th { background: #f2f2f2; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; }
            tr.baseline td:first-child { font-style: italic; }
            .meta { color: #666; }
            figure { margin: 1em 0; }
            figcaption { color: #666; font-size: 13px; max-width: 640px; }
            </style>
            </head>
            <body>
            \(body)</body>
            </html>

            """
    }
}
