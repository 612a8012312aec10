extension SVGLineChart {
    /// The one budget chart: the metric against labeled queries (mean ± sd band) for each line,
    /// and the reference lines; a logarithmic x axis when the budgets span a factor of 4 or more.
    public static func budgetChart(
        title: String, metric: String, lines: [(label: String, series: SweepSeries)],
        references: [ReferenceLine], labelReferencesBySubset: Bool
    ) -> SVGLineChart {
        let budgets = lines.flatMap { $0.series.points.map(\.labeledQueries) }
        let logarithmic = (budgets.min() ?? 0) > 0 && Double(budgets.max() ?? 1) / Double(budgets.min() ?? 1) >= 4
        return SVGLineChart(
            title: title, xLabel: "labeled queries", yLabel: MetricTitle.of(metric),
            series: lines.map { line in
                SVGLineChart.Series(
                    label: line.label,
                    points: line.series.points.map {
                        SVGLineChart.Point(
                            x: Double($0.labeledQueries), y: $0.mean, error: $0.repeats > 1 ? $0.sd : nil)
                    })
            },
            references: references.map {
                SVGLineChart.Reference(
                    label: labelReferencesBySubset ? "\($0.label), \($0.subset)" : $0.label, y: $0.value)
            },
            logarithmicX: logarithmic)
    }
}
