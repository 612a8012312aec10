import Foundation
import Reports
import Testing
import Workflows

@testable import Pipeline

/// What `era run` prints at the end: every metric, a compact Δ, the sweep, the verdict last.
@Suite("Terminal tables")
struct TerminalTablesTests {
    @Test func everyMetricEverySubsetTheSweepAndTheVerdictLast() throws {
        var table = ReportTests.table()
        table.metrics = ["ndcg@10", "recall@100", "mrr@10", "map@100", "p@10"]
        for i in table.rows.indices {
            for subset in ["all", "unseen"] {
                table.rows[i].values[subset]?["mrr@10"] = 0.5
                table.rows[i].values[subset]?["map@100"] = 0.4
                table.rows[i].values[subset]?["p@10"] = 0.1
            }
        }
        var metrics = try ReportTests.report().metrics
        metrics.stages["evaluate"]?.evaluation = table
        metrics.verdict = Verdict.of(table)
        let text = metrics.terminalTables()
        // One table per subset, each with every metric and the Δ column.
        #expect(
            text.contains(
                "evaluate, all (300 queries):\nrow          nDCG@10  Recall@100  MRR@10  MAP@100  P@10    Δ nDCG@10  p\n"
            ))
        #expect(text.contains("evaluate, unseen (120 queries):"))
        #expect(text.contains("Δ: nDCG@10 minus align's on the same queries"))
        #expect(text.contains("adapt        0.6312   0.8312      0.5000  0.4000   0.1000  +0.0312 ▲  0.012\n"))
        #expect(text.contains("align        0.6000   0.8000      0.5000  0.4000   0.1000  ref\n"))
        #expect(text.contains("adapt        0.6207   0.8207      0.5000  0.4000   0.1000  +0.0207 •  0.200\n"))
        // The sweep summary: labeled queries, mean ± sd on all and unseen.
        #expect(
            text.contains(
                "sweep, budget curve:\nlabeled queries  nDCG@10 all (mean ± sd)  nDCG@10 unseen (mean ± sd)  repeats"))
        #expect(text.contains("64               0.6320 ± 0.0100          0.5820 ± 0.0100             5"))
        // The verdict is the last line.
        let last = try #require(text.split(separator: "\n").last)
        #expect(
            last
                == "verdict (vs align): use adapt: +0.031 nDCG@10 on all queries (p = 0.012), +0.021 on queries about new documents (p = 0.200)"
        )
        // Sane widths: every table line fits 100 columns (the verdict is a sentence and may wrap).
        for line in text.split(separator: "\n").dropLast() {
            #expect(line.count <= 100, "\(line)")
            #expect(!line.hasSuffix(" "), "\(line)")
        }
    }

    @Test func withoutEvaluationsOrSweepsThereIsNothingToPrint() {
        let metrics = RunMetrics(
            pipeline: "p", order: ["align"],
            stages: [
                "align": .init(kind: .align, values: ["epochs": 3], evaluation: nil, sweep: nil)
            ])
        #expect(metrics.terminalTables().isEmpty)
    }
}
