import Testing

@testable import Reports
@testable import Workflows

@Suite struct VerdictTests {
    static func table(delta: Double, p: Double, unseenDelta: Double = 0.01, reference: String = "index-as-is")
        -> MetricsTable
    {
        func entry(_ subset: String, _ d: Double, _ p: Double) -> SignificanceEntry {
            SignificanceEntry(
                subset: subset, metric: "ndcg@10", difference: d, pValue: p, lower: d - 0.02, upper: d + 0.02,
                confidence: 0.95)
        }
        let subsets = [
            QuerySubset(name: "all", queries: 300, description: ""),
            QuerySubset(name: "unseen", queries: 104, description: ""),
        ]
        return MetricsTable(
            metrics: ["ndcg@10"], subsets: subsets,
            rows: [
                MetricsRow(name: reference, role: .baseline, values: ["all": ["ndcg@10": 0.645]]),
                MetricsRow(
                    name: "re-embedded", role: .baseline, values: ["all": ["ndcg@10": 0.9]],
                    significance: [entry("all", 0.25, 0.0001)]),
                MetricsRow(
                    name: "align", role: .stage, values: ["all": ["ndcg@10": 0.59]],
                    significance: [entry("all", -0.055, 0.0001)]),
                MetricsRow(
                    name: "adapt", role: .stage, values: ["all": ["ndcg@10": 0.645 + delta]],
                    significance: [entry("all", delta, p), entry("unseen", unseenDelta, 0.3)]),
            ], comparedTo: reference)
    }

    @Test func aSignificantGainRecommendsTheBestMap() throws {
        let verdict = try #require(Verdict.of(Self.table(delta: 0.14, p: 0.0001)))
        #expect(verdict.decision == .use && verdict.best == "adapt" && verdict.reference == "index-as-is")
        #expect(
            verdict.recommendation
                == "use adapt: +0.140 nDCG@10 on all queries (p < 0.001), +0.010 on queries about new documents (p = 0.300)"
        )
        let ci = try #require(verdict.all?.ci)
        #expect(abs(ci[0] - 0.12) < 1e-12 && abs(ci[1] - 0.16) < 1e-12 && verdict.unseen?.delta == 0.01)
    }

    /// Baselines such as re-embedding the corpus are not offered: they are not a map of the queries.
    @Test func aSignificantLossSaysKeepTheQueries() throws {
        let verdict = try #require(Verdict.of(Self.table(delta: -0.03, p: 0.01)))
        #expect(verdict.decision == .keep && verdict.best == "index-as-is")
        #expect(verdict.recommendation.hasPrefix("keep your current queries: the best map, adapt, loses 0.030"))
    }

    @Test func noSignificantDifferenceIsSaidPlainly() throws {
        let verdict = try #require(Verdict.of(Self.table(delta: 0.004, p: 0.6)))
        #expect(verdict.decision == .unclear && verdict.best == "index-as-is")
        #expect(verdict.recommendation.hasPrefix("no clear difference: adapt changes nDCG@10 by +0.004 (p = 0.600)"))
    }

    @Test func stageOneIsTheReferenceWhenTheIndexModelsQueriesAreMissing() throws {
        var table = Self.table(delta: 0.02, p: 0.001)
        table.rows.removeAll { $0.name == "index-as-is" }
        table.rows[1].significance = []
        table.comparedTo = "align"
        let verdict = try #require(Verdict.of(table))
        #expect(verdict.referenceKind == "stage one" && verdict.best == "adapt" && verdict.decision == .use)
    }
}
