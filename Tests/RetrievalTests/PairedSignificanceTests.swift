import EmbeddingIO
import Retrieval
import Testing
import _TestSupport

@Suite struct PairedSignificanceTests {
    /// Issue 11 item 6: an unbounded trial count never returned; the bound lives here so the CLI,
    /// the pipeline and the sweep all inherit it, and it is checked before any trial is drawn.
    @Test func trialsAboveTheBoundAreRefusedAtOnce() {
        let start = ContinuousClock.now
        #expect(
            throws: RetrievalError.invalidParameter(
                "significance trials 1000000000000 is above the limit of 1000000; use at most 1000000 (10,000 is plenty for p-values near 0.05)"
            )
        ) {
            try PairedSignificance.compare([0.1, 0.5, 0.9], [0.2, 0.4, 1.0], trials: 1_000_000_000_000)
        }
        #expect(ContinuousClock.now - start < .seconds(1))
        #expect(throws: Never.self) {
            try PairedSignificance.compare([0.1, 0.5], [0.2, 0.4], trials: PairedSignificance.maxTrials)
        }
    }

    func noisy(_ n: Int, seed: UInt64) -> [Double] {
        var g = SeededGenerator(seed: seed)
        return (0..<n).map { _ in 0.5 + 0.2 * g.normal() }
    }

    @Test func identicalRunsGivePValueOne() throws {
        let a = noisy(120, seed: 1)
        let c = try PairedSignificance.compare(a, a, trials: 2_000, seed: 3)
        #expect(c.pValue == 1)
        #expect(c.meanDifference == 0)
        #expect(c.confidenceInterval == 0...0)
        #expect(c.count == 120)
    }

    @Test func consistentlyBetterRunHasSmallPValue() throws {
        let a = noisy(100, seed: 2)
        var g = SeededGenerator(seed: 9)
        let b = a.map { $0 + 0.05 + 0.02 * g.normal() }  // every query gains about 0.05
        let c = try PairedSignificance.compare(a, b, trials: 5_000, seed: 0)
        #expect(c.pValue <= 1.0 / 5_001 + 1e-12)  // no sign flip is as extreme
        #expect(abs(c.meanDifference - (c.meanB - c.meanA)) < 1e-12)
        #expect(c.confidenceInterval.contains(c.meanDifference))
        #expect(c.confidenceInterval.lowerBound > 0.04 && c.confidenceInterval.upperBound < 0.06)
    }

    @Test func pureNoiseIsNotSignificant() throws {
        let a = noisy(200, seed: 4)
        let b = noisy(200, seed: 5)  // same distribution, independent
        let c = try PairedSignificance.compare(a, b, trials: 4_000, seed: 1)
        #expect(c.pValue > 0.05)
        #expect(c.confidenceInterval.contains(0))
    }

    @Test func knownSmallCaseMatchesExactEnumeration() throws {
        // d = (1, 2, 3): of the 8 sign vectors, |sum| >= 6 only for all + or all -: exact p = 1/4.
        let c = try PairedSignificance.compare([0, 0, 0], [1, 2, 3], trials: 20_000, seed: 7)
        #expect(abs(c.pValue - 0.25) < 0.015)
    }

    @Test func deterministicForASeed() throws {
        let a = noisy(50, seed: 6), b = noisy(50, seed: 8)
        let first = try PairedSignificance.compare(a, b, trials: 1_000, seed: 42)
        #expect(try PairedSignificance.compare(a, b, trials: 1_000, seed: 42) == first)
        let other = try PairedSignificance.compare(a, b, trials: 1_000, seed: 43)
        #expect(other.pValue != first.pValue || other.confidenceInterval != first.confidenceInterval)
    }

    @Test func reportsArePairedByQuery() throws {
        let qrels = Qrels(judgments: ["q1": ["a": 1], "q2": ["b": 1]])
        let better = try IRMetrics.evaluate(rankings: ["q1": ["a"], "q2": ["b"]], qrels: qrels)
        let worse = try IRMetrics.evaluate(rankings: ["q1": ["x", "a"], "q2": ["b"]], qrels: qrels)
        let c = try PairedSignificance.compare(worse, better, metric: "mrr@10", trials: 100)
        #expect(abs(c.meanDifference - 0.25) < 1e-12)
        #expect(throws: RetrievalError.self) { try PairedSignificance.compare(worse, better, metric: "nope@1") }
        #expect(throws: RetrievalError.self) {
            try PairedSignificance.compare(worse, better.restricted(to: ["q1"]), metric: "mrr@10")
        }
    }

    @Test func invalidInputsThrow() {
        #expect(throws: RetrievalError.unpairedRuns(left: 2, right: 1)) { try PairedSignificance.compare([1, 2], [1]) }
        #expect(throws: RetrievalError.self) { try PairedSignificance.compare([], []) }
        #expect(throws: RetrievalError.self) { try PairedSignificance.compare([1], [2], trials: 0) }
        #expect(throws: RetrievalError.self) { try PairedSignificance.compare([1], [2], confidence: 1) }
    }
}
