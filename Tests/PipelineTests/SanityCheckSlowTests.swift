import EmbeddingIO
import Foundation
import LinearAlgebra
import Reports
import Testing
import Workflows
import _TestSupport

@testable import Pipeline

/// The sanity checks of a run on the shipped quickstart (``SanityCheckTests``), in the slow tier:
/// each runs the real align stage on the quickstart's alignment pairs and the evaluation in a debug
/// build (together about 20 s of CPU). Their `--check` halves stay in ``SanityCheckTests``.
@Suite(.enabled(if: SlowTier.isEnabled, "\(SlowTier.skipReason("four quickstart runs of stage one, about 20 s"))"))
struct SanityCheckSlowTests {
    @Test(.enabled(if: SanityCheckTests.hasQuickstart)) func theQuickstartAsShippedPassesEveryCheck() throws {
        let fixture = try SanityCheckTests.copy()
        defer { fixture.remove() }
        try SanityCheckTests.expectTheCheckPasses(fixture)
        let summary = try SanityCheckTests.run(fixture)
        let checks = summary.metrics.checks
        #expect(checks.allSatisfy { $0.status == .ok }, "\(checks.map(\.line))")
        #expect(
            Set(checks.map(\.name)).isSuperset(of: [
                "alignment-above-chance", "reference-above-chance", "labeled-not-evaluated", "evaluation-qrels-ids",
                "labeled-qrels-ids", "enough-queries",
            ]))
        let verdict = try #require(summary.metrics.verdict)
        #expect(verdict.decision != .withheld)
        let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: fixture.url("runs/q/metrics.json")))
        let written = try #require((metrics as? [String: Any])?["checks"] as? [[String: String]])
        #expect(written.map { $0["name"] ?? "" } == checks.map(\.name))
        #expect(written.allSatisfy { $0["status"] == "ok" && !($0["detail"] ?? "").isEmpty })
    }

    /// Corpus ids sorted (the same ids, no longer in row order): every row searches the right
    /// vectors under the wrong names, the index as it is falls to chance, and the verdict is withheld.
    @Test(.enabled(if: SanityCheckTests.hasQuickstart)) func sortedCorpusIdsWithholdTheVerdict() throws {
        let fixture = try SanityCheckTests.copy()
        defer { fixture.remove() }
        try fixture.write(
            "qs/corpus_ids.txt",
            try SanityCheckTests.lines(fixture, "corpus_ids.txt").sorted().joined(separator: "\n") + "\n")
        let summary = try SanityCheckTests.run(fixture)
        let check = try SanityCheckTests.check("reference-above-chance", in: summary.metrics.checks)
        #expect(check.status == .failed)
        #expect(
            check.detail.contains("index-as-is") && check.detail.contains("ids may not follow the rows"),
            "\(check.detail)")
        let verdict = try #require(summary.metrics.verdict)
        #expect(verdict.decision == .withheld)
        #expect(verdict.recommendation.hasPrefix("withheld: the check reference-above-chance failed"))
        let report = try String(contentsOf: fixture.url("runs/q/report.md"), encoding: .utf8)
        #expect(report.contains("check reference-above-chance: failed"))
        let html = try String(contentsOf: fixture.url("runs/q/report.html"), encoding: .utf8)
        #expect(html.contains("<div class=\"verdict withheld\">"))
        #expect(summary.metrics.terminalTables().contains("failed  reference-above-chance:"))
    }

    /// The index model's query file replaced by vectors of another model with the same dimension
    /// (here random unit vectors): the index as it is collapses and the verdict is withheld.
    @Test(.enabled(if: SanityCheckTests.hasQuickstart)) func indexQueriesOfAnotherModelWithholdTheVerdict() throws {
        let fixture = try SanityCheckTests.copy()
        defer { fixture.remove() }
        let url = fixture.url("qs/queries.static.npy")
        let shape = try Npy.read(url)
        var generator = SplitMix64(seed: 11)
        let values = (0..<shape.rows * shape.columns).map { _ in Float.random(in: -1...1, using: &generator) }
        try Npy.write(Matrix(rows: shape.rows, columns: shape.columns, storage: values).normalizedRows(), to: url)
        let summary = try SanityCheckTests.run(fixture)
        let check = try SanityCheckTests.check("reference-above-chance", in: summary.metrics.checks)
        #expect(check.status == .failed && check.detail.contains("another model"), "\(check.detail)")
        #expect(summary.metrics.verdict?.decision == .withheld)
    }

    /// The rows of one alignment file shuffled: the pairs no longer hold the same texts, stage
    /// one's held-out matching falls to chance, and the check fails.
    @Test(.enabled(if: SanityCheckTests.hasQuickstart)) func shuffledAlignmentRowsFailTheAlignmentCheck() throws {
        let fixture = try SanityCheckTests.copy()
        defer { fixture.remove() }
        let url = fixture.url("qs/align.static.npy")
        let targets = try Npy.read(url)
        var generator = SplitMix64(seed: 7)
        let order = (0..<targets.rows).shuffled(using: &generator)
        try Npy.write(targets.gatherRows(order), to: url)
        let summary = try SanityCheckTests.run(fixture)
        let check = try SanityCheckTests.check("alignment-above-chance", in: summary.metrics.checks)
        #expect(check.status == .failed, "\(check.detail)")
        #expect(check.detail.contains("no better than chance"))
        #expect(summary.metrics.verdict?.decision == .withheld)
    }
}
