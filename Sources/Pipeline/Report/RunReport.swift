import Workflows
import Foundation

/// `report.md` and `report.html` of a run: each evaluation as one table (every baseline and map on
/// the same queries, all subsets, the significance of each row against the reference row), each
/// sweep as a budget chart, and the scalar results of every stage.
///
/// Built only from the configuration and `RunMetrics`, with no timestamps, so the same results
/// render to the same bytes.
public struct RunReport: Sendable {
    public var config: PipelineConfig
    public var metrics: RunMetrics
    public var eraVersion: String
    public var configHash: String

    public init(config: PipelineConfig, metrics: RunMetrics, eraVersion: String, configHash: String) {
        self.config = config
        self.metrics = metrics
        self.eraVersion = eraVersion
        self.configHash = configHash
    }

    /// Evaluate stages with their tables, in execution order.
    var evaluations: [(stage: String, table: MetricsTable)] {
        metrics.order.compactMap { name in metrics.stages[name]?.evaluation.map { (name, $0) } }
    }

    /// Sweep stages with their curves, in execution order.
    var sweeps: [(stage: String, curve: SweepCurve)] {
        metrics.order.compactMap { name in metrics.stages[name]?.sweep.map { (name, $0) } }
    }

    /// The budget chart of one subset of a sweep: mean ± sd against labeled queries, and the
    /// subset's reference lines.
    public static func budgetChart(stage: String, curve: SweepCurve, series: SweepSeries) -> SVGLineChart {
        SweepWorkflow.chart(title: "\(stage): \(metricTitle(curve.metric)) by label budget (\(series.subset) queries)",
                            metric: curve.metric, lines: [("adapted (mean ± sd)", series)],
                            references: curve.references.filter { $0.subset == series.subset }, labelReferencesBySubset: false)
    }

    static func chartName(stage: String, subset: String) -> String {
        "budget-\(stage)-\(subset).svg"
    }

    /// Chart files written beside the report (`budget-<stage>-<subset>.svg`), for report.md to link.
    public func chartFiles() -> [(name: String, svg: String)] {
        sweeps.flatMap { sweep in
            sweep.curve.series.map { series in
                (Self.chartName(stage: sweep.stage, subset: series.subset),
                 Self.budgetChart(stage: sweep.stage, curve: sweep.curve, series: series).render() + "\n")
            }
        }
    }

    // MARK: - Shared formatting

    static func metricTitle(_ metric: String) -> String {
        SweepWorkflow.metricTitle(metric)
    }

    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        return String(format: "%.4f", value)
    }

    /// A stage result: integers (counts, epochs) without decimals, other values as `number`.
    static func value(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e12 ? String(Int(value)) : number(value)
    }

    static func signed(_ value: Double) -> String {
        String(format: "%+.4f", value)
    }

    static func pValue(_ p: Double) -> String {
        p < 0.001 ? "p < 0.001" : String(format: "p = %.3f", p)
    }

    /// Table header cells: one per (subset, metric), subsets outermost.
    static func columns(_ table: MetricsTable) -> [(subset: String, metric: String, title: String)] {
        table.subsets.flatMap { subset in
            table.metrics.map { (subset.name, $0, "\(metricTitle($0)) (\(subset.name))") }
        }
    }

    /// The significance text of a row: the first metric on each subset.
    static func significanceText(_ row: MetricsRow, table: MetricsTable) -> String {
        guard let reference = table.comparedTo else { return "" }
        if row.name == reference { return "reference" }
        let primary = table.metrics.first
        let entries = table.subsets.compactMap { subset in
            row.significance.first { $0.subset == subset.name && $0.metric == primary }
        }
        guard !entries.isEmpty else { return "" }
        return entries.map { e in
            "\(e.subset): \(signed(e.difference)), \(pValue(e.pValue)), \(Int((e.confidence * 100).rounded()))% CI [\(String(format: "%.4f", e.lower)), \(String(format: "%.4f", e.upper))]"
        }.joined(separator: "; ")
    }

    /// Scalar results of each stage, in execution order.
    var stageValues: [(stage: String, kind: StageKind, values: [(String, Double)])] {
        metrics.order.compactMap { name in
            metrics.stages[name].map { (name, $0.kind, $0.values.sorted { $0.key < $1.key }) }
        }
    }

    // MARK: - Markdown

    public func markdown() -> String {
        var out = "# era run: \(config.name)\n\n"
        out += "era \(eraVersion) · seed \(config.seed) · config sha256 `\(configHash.prefix(12))`"
        if let q = config.models.query.name, let d = config.models.index.name { out += " · query model \(q) → index model \(d)" }
        out += "\n\n"
        for (stage, table) in evaluations {
            out += "## Evaluation: \(stage)\n\n"
            for subset in table.subsets {
                out += "- **\(subset.name)**: \(subset.queries) queries — \(subset.description)\n"
            }
            out += "\n"
            let columns = Self.columns(table)
            let significanceTitle = table.comparedTo.map { "vs \($0) (\(Self.metricTitle(table.metrics.first ?? "")))" } ?? "significance"
            out += "| row | kind | " + columns.map(\.title).joined(separator: " | ") + " | \(significanceTitle) |\n"
            out += "|---|---|" + columns.map { _ in "---:|" }.joined() + "---|\n"
            for row in table.rows {
                let cells = columns.map { Self.number(row.values[$0.subset]?[$0.metric]) }
                out += "| \(row.name) | \(row.role.rawValue) | " + cells.joined(separator: " | ")
                    + " | \(Self.significanceText(row, table: table)) |\n"
            }
            out += "\n"
        }
        for (stage, curve) in sweeps {
            out += "## Budget curve: \(stage)\n\n"
            for series in curve.series {
                out += "![\(stage) budget chart, \(series.subset) queries](\(Self.chartName(stage: stage, subset: series.subset)))\n\n"
            }
            let subsets = curve.series.map(\.subset)
            out += "| labeled queries | " + subsets.map { "\(Self.metricTitle(curve.metric)) \($0) (mean ± sd) | vs stage one \($0)" }
                .joined(separator: " | ") + " | repeats |\n"
            out += "|---:|" + subsets.map { _ in "---:|---|" }.joined() + "---:|\n"
            let budgets = Array(Set(curve.series.flatMap { $0.points.map(\.labeledQueries) })).sorted()
            for budget in budgets {
                var cells: [String] = []
                var repeats = 0
                for series in curve.series {
                    guard let p = series.points.first(where: { $0.labeledQueries == budget }) else { cells += ["–", ""]; continue }
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
            out += "\n"
        }
        out += "## Stages\n\n| stage | kind | results |\n|---|---|---|\n"
        for (stage, kind, values) in stageValues {
            let text = values.map { "\($0.0) = \(Self.value($0.1))" }.joined(separator: ", ")
            out += "| \(stage) | \(kind.rawValue) | \(text) |\n"
        }
        return out
    }
}
