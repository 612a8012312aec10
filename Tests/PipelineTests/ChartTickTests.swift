import Foundation
import Reports
import Testing
import Workflows

/// x-axis labels of the budget chart never overlap, and the chart scales to its container.
@Suite("Chart ticks")
struct ChartTickTests {
    /// The x positions and texts of the drawn x tick labels.
    static func xLabels(_ svg: String) -> [(x: Double, text: String)] {
        svg.components(separatedBy: "<text class=\"x-tick\" x=\"").dropFirst().compactMap { part in
            guard let x = Double(part.prefix { $0 != "\"" }),
                let start = part.firstIndex(of: ">"), let end = part.range(of: "</text>")
            else { return nil }
            return (x, String(part[part.index(after: start)..<end.lowerBound]))
        }
    }

    /// Budgets 100 and 113 (the "all" point of a 113-query pool) on a log axis: 113 is kept (the
    /// last point), 100 is left out, and every drawn label is clear of its neighbours.
    @Test(arguments: [720, 900, 480])
    func closeBudgetsDoNotCollide(width: Int) {
        let budgets = [8.0, 16, 25, 32, 50, 64, 100, 113]
        let chart = SVGLineChart(
            title: "t", xLabel: "labeled queries", yLabel: "nDCG@10",
            series: [.init(label: "s", points: budgets.map { .init(x: $0, y: 0.5 + $0 / 1000) })],
            logarithmicX: true, width: width, height: 360)
        let svg = chart.render()
        let labels = Self.xLabels(svg)
        #expect(labels.last?.text == "113")
        #expect(labels.contains { $0.text == "8" })
        // 100 and 113 are 12 to 32 units apart at these widths: too close at 720 and below.
        if width <= 720 { #expect(!labels.contains { $0.text == "100" }) }
        for (a, b) in zip(labels, labels.dropFirst()) {
            let gap =
                (b.x - a.x) - (SVGLineChart.labelWidthForTests(a.text) + SVGLineChart.labelWidthForTests(b.text)) / 2
            #expect(gap >= 4, "\(a.text) and \(b.text) are \(b.x - a.x) apart")
        }
        // Every budget still has its tick mark: one line per budget below the plot.
        #expect(
            svg.split(separator: "\n").filter { $0.hasPrefix("<line") && $0.contains("#333333") }.count == budgets.count
        )
        #expect(svg.contains("width=\"100%\" viewBox=\"0 0 \(width) 360\""))
    }

    @Test func labelsFarApartAreAllKept() {
        let ticks = [(x: 10.0, text: "8"), (x: 100, text: "16"), (x: 200, text: "100"), (x: 219, text: "113")]
        #expect(SVGLineChart.labelledTicks(ticks) == [0, 1, 3])
        #expect(SVGLineChart.labelledTicks(Array(ticks.prefix(3))) == [0, 1, 2])
        #expect(SVGLineChart.labelledTicks([]) == [])
    }

    /// Two references almost equal in value get labels one line apart, not on top of each other.
    @Test func nearlyEqualReferencesHaveSeparateLabels() {
        let chart = SVGLineChart(
            title: "t", xLabel: "x", yLabel: "y",
            series: [.init(label: "s", points: [.init(x: 8, y: 0.5), .init(x: 64, y: 0.7)])],
            references: [.init(label: "stage one", y: 0.600), .init(label: "index as it is", y: 0.601)],
            logarithmicX: true)
        let ys = chart.render().components(separatedBy: "class=\"reference-label\" x=\"").dropFirst().compactMap {
            part in
            part.components(separatedBy: "y=\"").dropFirst().first.flatMap { Double($0.prefix { $0 != "\"" }) }
        }
        #expect(ys.count == 2)
        #expect(abs(ys[0] - ys[1]) >= 13)
    }
}

extension SVGLineChart {
    /// An estimate independent of the chart's own, a little wider: Helvetica's digits are 0.556 em,
    /// 6.7 units at the chart's font size 12; 7 leaves a margin for other sans-serif fonts.
    static func labelWidthForTests(_ text: String) -> Double { Double(text.count) * 7 }
}
