import Foundation

/// `report.md` and `report.html` of a run: the verdict first (use a map, or keep the current
/// queries), then each evaluation as one table (every baseline and map on the same queries, all
/// subsets, a compact Δ against the reference row), each sweep as a budget chart, and the scalar
/// results of every stage as tables.
///
/// Built only from the run's heading and `RunMetrics`, with no timestamps, so the same results
/// render to the same bytes.
public struct RunReport: Sendable {
    /// What the report's first lines name: the run, its seed and the two models.
    public struct Heading: Sendable, Hashable {
        public var name: String
        public var seed: Int
        public var queryModel: String?
        public var indexModel: String?

        public init(name: String, seed: Int, queryModel: String?, indexModel: String?) {
            self.name = name
            self.seed = seed
            self.queryModel = queryModel
            self.indexModel = indexModel
        }
    }

    public var heading: Heading
    public var metrics: RunMetrics
    public var eraVersion: String
    public var configHash: String
    /// What each stage chose and why (the guardrail's map, the adapt candidate, the step scaling),
    /// by stage in execution order: a section of its own, so no choice is only in a JSON file.
    public var notes: [(stage: String, notes: [String])] = []

    public init(heading: Heading, metrics: RunMetrics, eraVersion: String, configHash: String) {
        self.heading = heading
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
        var chart = SVGLineChart.budgetChart(
            title: "\(stage): \(metricTitle(curve.metric)) by label budget (\(series.subset) queries)",
            metric: curve.metric, lines: [("adapted (mean ± sd)", series)],
            references: curve.references.filter { $0.subset == series.subset }, labelReferencesBySubset: false)
        // Wide and low: the chart spans the report's column (width 100%) without dominating it.
        chart.width = 900
        chart.height = 360
        return chart
    }

    static func chartName(stage: String, subset: String) -> String {
        "budget-\(stage)-\(subset).svg"
    }

    /// Chart files written beside the report (`budget-<stage>-<subset>.svg`), for report.md to link.
    public func chartFiles() -> [(name: String, svg: String)] {
        sweeps.flatMap { sweep in
            sweep.curve.series.map { series in
                (
                    Self.chartName(stage: sweep.stage, subset: series.subset),
                    Self.budgetChart(stage: sweep.stage, curve: sweep.curve, series: series).render() + "\n"
                )
            }
        }
    }

    // MARK: - Shared formatting

    static func metricTitle(_ metric: String) -> String {
        MetricTitle.of(metric)
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

    /// Scalar results of each stage, in execution order.
    var stageValues: [(stage: String, kind: StageKind, values: [(String, Double)])] {
        metrics.order.compactMap { name in
            metrics.stages[name].map { (name, $0.kind, $0.values.sorted { $0.key < $1.key }) }
        }
    }
}
