import Foundation
import Testing

@testable import Reports
@testable import Workflows

/// The upgrade verdict (index model retired): non-inferiority of the best map against the index as
/// it was, on the paired CI, with a margin; retention and gain recovered against the re-embedded row.
@Suite struct UpgradeVerdictTests {
    /// A planted table: the index as it was at 0.655, re-embedding at `reembedded`, stage one 0.50,
    /// the adapt map at 0.655 + `delta` with the paired 95% CI `ci` against the index as it was.
    static func table(
        delta: Double, ci: (Double, Double), p: Double, reembedded: Double = 0.645, margin: Double? = 0.01,
        confidence: Double = 0.95
    ) -> MetricsTable {
        func entry(_ subset: String, _ d: Double, _ p: Double, _ ci: (Double, Double)) -> SignificanceEntry {
            SignificanceEntry(
                subset: subset, metric: "ndcg@10", difference: d, pValue: p, lower: ci.0, upper: ci.1,
                confidence: confidence)
        }
        var table = MetricsTable(
            metrics: ["ndcg@10"],
            subsets: [
                QuerySubset(name: "all", queries: 300, description: ""),
                QuerySubset(name: "unseen", queries: 104, description: ""),
            ],
            rows: [
                MetricsRow(name: "index-as-is", role: .baseline, values: ["all": ["ndcg@10": 0.655]]),
                MetricsRow(
                    name: "re-embedded", role: .baseline, values: ["all": ["ndcg@10": reembedded]],
                    significance: [entry("all", reembedded - 0.655, 0.4, (-0.03, 0.01))]),
                MetricsRow(
                    name: "align", role: .stage, values: ["all": ["ndcg@10": 0.50]],
                    significance: [entry("all", -0.155, 0.0001, (-0.19, -0.12))]),
                MetricsRow(
                    name: "adapt", role: .stage, values: ["all": ["ndcg@10": 0.655 + delta]],
                    significance: [entry("all", delta, p, ci), entry("unseen", -0.02, 0.3, (-0.06, 0.02))]),
            ], comparedTo: "index-as-is")
        table.upgradeMargin = margin
        return table
    }

    /// An interval at another level is named at its level, recorded, and, below 95%, said to make the
    /// switch easier to show (a 50% interval turned switch-costs into switch under the name "95% CI").
    @Test func anIntervalBelowNinetyFivePercentIsNamedAndSaidSo() throws {
        let verdict = try #require(
            Verdict.of(Self.table(delta: 0.005, ci: (-0.004, 0.026), p: 0.4, confidence: 0.5)))
        #expect(verdict.decision == .switchNow && verdict.all?.confidence == 0.5)
        #expect(verdict.recommendation.contains("(50% CI [-0.004, +0.026]"), "\(verdict.recommendation)")
        #expect(!verdict.recommendation.contains("95% CI"), "\(verdict.recommendation)")
        #expect(verdict.recommendation.contains("at 50% confidence, below the 95% the switch rule is stated at"))
        let json = String(decoding: try JSONEncoder().encode(verdict), as: UTF8.self)
        #expect(json.contains("\"confidence\":0.5"), "\(json)")
        let usual = try #require(Verdict.of(Self.table(delta: -0.003, ci: (-0.008, 0.002), p: 0.25)))
        #expect(!usual.recommendation.contains("confidence, below"), "\(usual.recommendation)")
    }

    @Test func aMapWithinTheMarginSaysSwitch() throws {
        let verdict = try #require(Verdict.of(Self.table(delta: -0.003, ci: (-0.008, 0.002), p: 0.25)))
        #expect(verdict.question == .upgrade && verdict.decision == .switchNow && verdict.best == "adapt")
        #expect(verdict.margin == 0.01 && verdict.cost == nil && verdict.exitCode == 0)
        // 0.652 / 0.645; re-embedding is worse than the index as it was: no gain to recover.
        #expect(abs(try #require(verdict.retention) - 0.652 / 0.645) < 1e-12)
        #expect(verdict.gainRecovered == nil)
        #expect(verdict.recommendation.hasPrefix("switch to the new model now: its queries through adapt"))
        #expect(verdict.recommendation.contains("no worse than the margin of 0.010"))
        #expect(verdict.recommendation.contains("keeps 101% of what re-embedding the corpus gives"))
    }

    @Test func aMapBelowTheMarginSaysWhatSwitchingCosts() throws {
        // The mean loss is small, but its CI reaches below -0.01: not shown to be non-inferior.
        let verdict = try #require(
            Verdict.of(Self.table(delta: -0.006, ci: (-0.021, 0.009), p: 0.4, reembedded: 0.70)))
        #expect(verdict.question == .upgrade && verdict.decision == .switchCosts && verdict.best == "adapt")
        let cost = try #require(verdict.cost)
        #expect(abs(cost.delta - 0.006) < 1e-12)
        #expect(abs(cost.ci[0] + 0.009) < 1e-12)
        #expect(abs(cost.ci[1] - 0.021) < 1e-12)
        #expect(verdict.exitCode == Verdict.exitNotNow)
        // (0.649 − 0.655) / (0.70 − 0.655): re-embedding is better, and the map recovers none of its gain.
        let expectedGain: Double = -0.006 / 0.045
        #expect(abs(try #require(verdict.gainRecovered) - expectedGain) < 1e-9)
        #expect(abs(try #require(verdict.retention) - 0.649 / 0.70) < 1e-12)
        // A mean loss within the margin is a risk, not a cost: the sentence says so, not "costs more".
        #expect(!verdict.costExceedsMargin)
        #expect(
            verdict.recommendation.hasPrefix(
                "switching now may cost more than the margin of 0.010 nDCG@10: the new model's queries through adapt "
                    + "change it by -0.006 against the index as it was (95% CI [-0.021, +0.009]), and the interval "
                    + "reaches below -0.010"))
        #expect(
            verdict.recommendation.hasSuffix(
                "Switch and accept that risk, evaluate on more queries to narrow the interval, label more queries for era adapt, or re-embed the corpus"
            ))
        #expect(RunReport.verdictFacts(verdict).contains { $0.text.contains("may cost more than the margin") })
    }

    /// A mean loss beyond the margin is a cost, said as one.
    @Test func aMapWhoseMeanLossExceedsTheMarginSaysWhatSwitchingCosts() throws {
        let verdict = try #require(Verdict.of(Self.table(delta: -0.03, ci: (-0.05, -0.012), p: 0.002)))
        #expect(verdict.decision == .switchCosts && verdict.costExceedsMargin)
        #expect(
            verdict.recommendation.hasPrefix(
                "switching now costs 0.030 nDCG@10 against the index as it was (95% CI [0.012, 0.050], more than the margin of 0.010)"
            ))
        #expect(
            verdict.recommendation.hasSuffix(
                "Switch and accept that cost, label more queries for era adapt, or re-embed the corpus"))
    }

    /// A map better on average whose interval still reaches below the margin (measured on SciFact,
    /// minilm -> e5small: +0.006, 95% CI [-0.032, +0.043]) never reads as a cost of -0.006.
    @Test func aMapBetterOnAverageButNotShownWithinTheMarginIsARisk() throws {
        let verdict = try #require(Verdict.of(Self.table(delta: 0.006, ci: (-0.032, 0.043), p: 0.77)))
        #expect(verdict.decision == .switchCosts && !verdict.costExceedsMargin)
        #expect(verdict.recommendation.contains("change it by +0.006 against the index as it was"))
        #expect(!verdict.recommendation.contains("costs -"))
    }

    @Test func theMarginDecides() throws {
        let table = Self.table(delta: -0.006, ci: (-0.021, 0.009), p: 0.4, margin: 0.03)
        #expect(Verdict.of(table)?.decision == .switchNow)
        #expect(
            Verdict.of(Self.table(delta: -0.006, ci: (-0.021, 0.009), p: 0.4, margin: 0.02))?.decision == .switchCosts)
    }

    @Test func aFailedCheckWithholdsTheUpgradeVerdict() throws {
        let failed = SanityCheck(name: "reference-above-chance", status: .failed, detail: "index-as-is is near chance")
        let verdict = try #require(
            Verdict.of(Self.table(delta: 0.2, ci: (0.15, 0.25), p: 0.0001), checks: [failed]))
        #expect(verdict.question == .upgrade && verdict.decision == .withheld && verdict.best == "index-as-is")
        #expect(verdict.retention == nil && verdict.exitCode == Verdict.exitNoAdvice)
        #expect(verdict.recommendation.contains("reference-above-chance failed"))
    }

    /// Without a retired index model the question stays "should I use a map?".
    @Test func withoutARetiredIndexModelTheQuestionIsTheUsualOne() throws {
        let verdict = try #require(Verdict.of(Self.table(delta: -0.003, ci: (-0.008, 0.002), p: 0.25, margin: nil)))
        #expect(verdict.question == nil && verdict.decision == .unclear && verdict.retention == nil)
        #expect(verdict.exitCode == Verdict.exitNotNow)
    }

    /// The new fields reach metrics.json (`question`, `decision`, `retention`, `gain_recovered`) and
    /// stay out of a verdict that does not answer the upgrade question.
    @Test func theFieldsAreEncoded() throws {
        let upgrade = try #require(Verdict.of(Self.table(delta: -0.006, ci: (-0.021, 0.009), p: 0.4, reembedded: 0.7)))
        let object = try #require(
            JSONSerialization.jsonObject(with: try JSONEncoder().encode(upgrade)) as? [String: Any])
        #expect(object["question"] as? String == "upgrade" && object["decision"] as? String == "switch-costs")
        #expect(object["retention"] is Double && object["gain_recovered"] is Double && object["cost"] != nil)
        #expect(try JSONDecoder().decode(Verdict.self, from: try JSONEncoder().encode(upgrade)) == upgrade)
        // Re-embedding not better than the index as it was: no gain to recover, written as null.
        let switching = try #require(Verdict.of(Self.table(delta: -0.003, ci: (-0.008, 0.002), p: 0.25)))
        let written = try #require(
            JSONSerialization.jsonObject(with: try JSONEncoder().encode(switching)) as? [String: Any])
        #expect(written["gain_recovered"] is NSNull && written["cost"] is NSNull && written["retention"] is Double)
        #expect(try JSONDecoder().decode(Verdict.self, from: try JSONEncoder().encode(switching)) == switching)
        let usual = try #require(Verdict.of(Self.table(delta: 0.05, ci: (0.02, 0.08), p: 0.001, margin: nil)))
        let plain = try #require(JSONSerialization.jsonObject(with: try JSONEncoder().encode(usual)) as? [String: Any])
        #expect(
            Set(plain.keys) == [
                "reference", "reference_kind", "best", "decision", "recommendation", "metric", "all", "unseen",
            ])
        #expect(usual.exitCode == 0)
    }

    /// Retired, but the index as it was is not scored: stage one is the reference, and no advice to
    /// switch is given even where a map beats it (the gate stops).
    @Test func withoutTheIndexAsItWasNoSwitchIsAdvised() throws {
        var table = Self.table(delta: 0.02, ci: (0.01, 0.03), p: 0.001)
        table.rows.removeAll { $0.name == "index-as-is" }
        table.rows[1].significance = []
        table.comparedTo = "align"
        let verdict = try #require(Verdict.of(table))
        #expect(verdict.question == .upgrade && verdict.decision == .unclear && verdict.best == "align")
        #expect(verdict.recommendation.hasPrefix("cannot tell whether you can switch now"))
        #expect(verdict.exitCode == Verdict.exitNotNow)
    }
}
