import Foundation
import Reports
import Testing
import Workflows

@testable import Pipeline

@Suite("Report rendering")
struct ReportTests {
    static func table() -> MetricsTable {
        let metrics = ["ndcg@10", "recall@100"]
        func values(_ all: Double, _ unseen: Double) -> [String: [String: Double]] {
            [
                "all": ["ndcg@10": all, "recall@100": all + 0.2],
                "unseen": ["ndcg@10": unseen, "recall@100": unseen + 0.2],
            ]
        }
        return MetricsTable(
            metrics: metrics,
            subsets: [
                QuerySubset(name: "all", queries: 300, description: "all test queries"),
                QuerySubset(name: "unseen", queries: 120, description: "relevant documents no labeled query cites"),
            ],
            rows: [
                MetricsRow(
                    name: "index-as-is", role: .baseline, values: values(0.6451, 0.6012),
                    significance: [
                        SignificanceEntry(
                            subset: "all", metric: "ndcg@10", difference: 0.0451,
                            pValue: 0.0004, lower: 0.02, upper: 0.07, confidence: 0.95)
                    ]),
                MetricsRow(name: "align", role: .stage, values: values(0.6000, 0.6000)),
                MetricsRow(
                    name: "adapt", role: .stage, values: values(0.6312, 0.6207),
                    significance: [
                        SignificanceEntry(
                            subset: "all", metric: "ndcg@10", difference: 0.0312,
                            pValue: 0.012, lower: 0.008, upper: 0.055, confidence: 0.95),
                        SignificanceEntry(
                            subset: "unseen", metric: "ndcg@10", difference: 0.0207,
                            pValue: 0.2, lower: -0.01, upper: 0.05, confidence: 0.95),
                    ]),
            ],
            comparedTo: "align")
    }

    static func report() throws -> RunReport {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        try fixture.write(
            "r.yaml",
            pipeline(stages: "stages:\n  - kind: align\n  - kind: adapt\n  - kind: evaluate\n  - kind: sweep\n"))
        let config = try fixture.load("r.yaml")
        let points = [8, 16, 32, 64].map {
            SweepPoint(
                labeledQueries: $0, mean: 0.6 + Double($0) / 2000, sd: 0.01, repeats: 5,
                differenceToStageOne: Double($0) / 2000, pValue: 0.01)
        }
        let curve = SweepCurve(
            metric: "ndcg@10",
            series: [
                SweepSeries(subset: "all", points: points),
                SweepSeries(
                    subset: "unseen",
                    points: points.map {
                        var p = $0; p.mean -= 0.05; return p
                    }),
            ],
            references: [
                ReferenceLine(label: "stage one", subset: "all", value: 0.6),
                ReferenceLine(label: "index as it is", subset: "all", value: 0.6451),
                ReferenceLine(label: "stage one", subset: "unseen", value: 0.55),
            ])
        let metrics = RunMetrics(
            pipeline: "r", order: ["align", "adapt", "evaluate", "sweep"],
            stages: [
                "align": .init(kind: .align, values: ["holdout_loss": 1.25, "epochs": 3], evaluation: nil, sweep: nil),
                "adapt": .init(kind: .adapt, values: [:], evaluation: nil, sweep: nil),
                "evaluate": .init(kind: .evaluate, values: [:], evaluation: table(), sweep: nil),
                "sweep": .init(kind: .sweep, values: [:], evaluation: nil, sweep: curve),
            ])
        return RunReport(
            config: config, metrics: metrics, eraVersion: "9.9.9", configHash: String(repeating: "ab", count: 32))
    }

    @Test func markdownLeadsWithTheVerdictAndKeepsCellsShort() throws {
        let markdown = try Self.report().markdown()
        let verdict = try #require(
            markdown.range(
                of:
                    "> **Use adapt: +0.031 nDCG@10 on all queries (p = 0.012), +0.021 on queries about new documents (p = 0.200).**"
            ))
        #expect(verdict.lowerBound < (markdown.range(of: "## Evaluation")?.lowerBound ?? markdown.startIndex))
        #expect(
            markdown.contains(
                "> reference: align — stage one  \n> recommended: adapt  \n> Δ nDCG@10, all queries: +0.0312 (95% CI [0.0080, 0.0550], p = 0.012)"
            ))
        #expect(
            markdown.contains(
                "| row | kind | nDCG@10 (all) | Recall@100 (all) | Δ nDCG@10 (all) | nDCG@10 (unseen) | Recall@100 (unseen) | Δ nDCG@10 (unseen) |"
            ))
        #expect(markdown.contains("| index-as-is | baseline | 0.6451 | 0.8451 | +0.0451 ▲ | 0.6012 | 0.8012 | – |"))
        #expect(markdown.contains("| align | stage | 0.6000 | 0.8000 | ref | 0.6000 | 0.8000 | ref |"))
        #expect(markdown.contains("| adapt | stage | 0.6312 | 0.8312 | +0.0312 ▲ | 0.6207 | 0.8207 | +0.0207 • |"))
        // CI and p under the table, one line a row.
        #expect(
            markdown.contains(
                "- adapt: all: +0.0312, 95% CI [0.0080, 0.0550], p = 0.012; unseen: +0.0207, 95% CI [-0.0100, 0.0500], p = 0.200\n"
            ))
        // No evaluation cell is a paragraph.
        let evaluation = try #require(markdown.components(separatedBy: "\n\n").first { $0.hasPrefix("| row |") })
        for cell in evaluation.split(separator: "\n").flatMap({ $0.split(separator: "|") }) {
            #expect(cell.trimmingCharacters(in: .whitespaces).count <= 20, "\(cell)")
        }
        #expect(markdown.contains("![sweep budget chart, all queries](budget-sweep-all.svg)"))
        #expect(markdown.contains("![sweep budget chart, unseen queries](budget-sweep-unseen.svg)"))
        #expect(
            markdown.contains(
                "| 64 | 0.6320 ± 0.0100 | +0.0320, p = 0.010 | 0.5820 ± 0.0100 | +0.0320, p = 0.010 | 5 |"))
        #expect(markdown.contains("- stage one (unseen): 0.5500"))
        // Stage results as tables, not `key = value` strings.
        #expect(
            markdown.contains(
                "**align** (align)\n\n| result | value |\n|---|---:|\n| epochs | 3 |\n| holdout_loss | 1.2500 |\n"))
        #expect(!markdown.contains(" = 3"))
        #expect(!markdown.contains("**adapt** (adapt)"))  // no results, no table
    }

    @Test func aSignificantLossSaysKeepInTheBox() throws {
        var report = try Self.report()
        var table = Self.table()
        table.rows[2].significance[0].difference = -0.03
        table.rows[2].significance[0].pValue = 0.01
        report.metrics.verdict = Verdict.of(table)
        let html = report.html()
        #expect(html.contains("<div class=\"verdict keep\">\n<p class=\"headline\">Keep your current queries"))
        #expect(html.contains("<dt>recommended</dt><dd>align (keep the current queries)</dd>"))
        #expect(report.markdown().contains("> recommended: align (keep the current queries)  \n"))
    }

    @Test func withoutAVerdictThereIsNoHeadline() throws {
        var report = try Self.report()
        report.metrics.verdict = nil
        #expect(!report.markdown().contains("> **"))
        #expect(!report.html().contains("class=\"verdict"))
    }

    @Test func htmlIsSelfContainedWithTheVerdictBoxTheTableAndAnInlineChart() throws {
        let html = try Self.report().html()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        let box = try #require(
            html.range(
                of: "<div class=\"verdict use\">\n<p class=\"headline\">Use adapt: +0.031 nDCG@10 on all queries"))
        #expect(box.lowerBound < (html.range(of: "<h2>")?.lowerBound ?? html.startIndex))
        #expect(
            html.contains("<dt>Δ nDCG@10, unseen queries</dt><dd>+0.0207 (95% CI [-0.0100, 0.0500], p = 0.200)</dd>"))
        #expect(html.contains("<svg"))
        #expect(
            html.contains("<td>index-as-is</td>") && html.contains("<td>adapt</td>") && html.contains("<td>align</td>"))
        #expect(html.contains("<th colspan=\"3\">unseen</th>"))
        #expect(html.contains("<td class=\"num\"><b>0.6451</b></td>"))  // best nDCG@10 (all) in bold
        // The Δ cell is one line; its CI and p are in the tooltip and the notes under the table.
        #expect(
            html.contains("<td class=\"delta up\" title=\"+0.0312, 95% CI [0.0080, 0.0550], p = 0.012\">+0.0312 ▲</td>")
        )
        #expect(
            html.contains(
                "<td class=\"delta flat\" title=\"+0.0207, 95% CI [-0.0100, 0.0500], p = 0.200\">+0.0207 •</td>"))
        #expect(html.contains("<td class=\"delta\">ref</td>"))
        #expect(html.contains("<li><b>adapt</b>: all: +0.0312, 95% CI [0.0080, 0.0550], p = 0.012; unseen:"))
        // Stage results as tables.
        #expect(html.contains("<caption>align <span class=\"kind\">(align)</span></caption>"))
        #expect(html.contains("<tr><th scope=\"row\">holdout_loss</th><td class=\"num\">1.2500</td></tr>"))
        #expect(!html.contains("epochs = 3"))
        // No external assets: nothing fetched by the browser.
        #expect(
            !html.contains("src=") && !html.contains("href=") && !html.contains("<script") && !html.contains("@import"))
    }

    @Test func budgetChartDrawsTheCurveBandAndReferences() throws {
        let report = try Self.report()
        let svg = try #require(report.chartFiles().first).svg
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.components(separatedBy: "class=\"reference\"").count - 1 == 2)
        #expect(svg.components(separatedBy: "class=\"error-bar\"").count - 1 == 4)
        #expect(svg.contains("class=\"band\"") && svg.contains("class=\"series\""))
        // Reference lines labelled at their height; the chart fills its container.
        #expect(svg.components(separatedBy: "class=\"reference-label\"").count - 1 == 2)
        #expect(svg.contains(">stage one 0.600</text>") && svg.contains(">index as it is 0.645</text>"))
        #expect(svg.contains("width=\"100%\" viewBox=\"0 0 900 360\""))
        for budget in ["8", "16", "32", "64"] { #expect(svg.contains(">\(budget)</text>")) }
        #expect(svg.hasSuffix("</svg>\n"))
        // Same input, same bytes.
        #expect(try Self.report().chartFiles().first?.svg == svg)
        // One chart per subset, each with that subset's references only.
        let unseen = try #require(report.chartFiles().last)
        #expect(unseen.name == "budget-sweep-unseen.svg")
        #expect(unseen.svg.components(separatedBy: "class=\"reference\"").count - 1 == 1)
    }

    @Test func chartGeometry() {
        // Log-2 x axis: 8, 16, 32 are equally spaced; y is flipped (higher value, smaller y).
        let chart = SVGLineChart(
            title: "t", xLabel: "x", yLabel: "y",
            series: [.init(label: "s", points: [.init(x: 8, y: 0.5), .init(x: 16, y: 0.6), .init(x: 32, y: 0.7)])],
            logarithmicX: true)
        let svg = chart.render()
        let polyline = svg.components(separatedBy: "class=\"series\" points=\"")[1].prefix(while: { $0 != "\"" })
        let points = polyline.split(separator: " ").map { $0.split(separator: ",").compactMap { Double($0) } }
        #expect(points.count == 3)
        #expect(abs((points[1][0] - points[0][0]) - (points[2][0] - points[1][0])) < 0.11)
        #expect(points[0][1] > points[1][1] && points[1][1] > points[2][1])
        // Round ticks (step 0.05 here) that cover the data.
        let ticks = SVGLineChart.niceTicks(min: 0.53, max: 0.71)
        #expect(ticks.count == 6)
        #expect(abs(ticks[0] - 0.5) < 1e-12 && abs(ticks[5] - 0.75) < 1e-12)
        #expect(zip(ticks, ticks.dropFirst()).allSatisfy { abs($1 - $0 - 0.05) < 1e-12 })
        #expect(SVGLineChart.escape("a<b & \"c\"") == "a&lt;b &amp; &quot;c&quot;")
    }
}
