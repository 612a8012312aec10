import Testing

@testable import Alignment

/// Issue 11 items 6 and 10: limits of stage two that every front end (CLI, YAML) inherits.
@Suite("Stage-two limits")
struct AdaptLimitsTests {
    /// `rank: 100000` ran without end; a rank above min(m, p) adds nothing and is refused at once.
    @Test func rankAboveTheSmallerDimensionIsRefusedBeforeTraining() throws {
        let planted = try AdaptSyntheticProblem()  // p = 16, m = 8
        var settings = AdaptSettings(family: .lowRank(rank: 100_000), maxSteps: 5)
        let start = ContinuousClock.now
        #expect(
            throws: AlignmentError.invalidParameter(
                name: "rank", value: "100000",
                reason:
                    "must be at most min(m, p) = 8 (index dimension m = 8, query dimension p = 16); for a full-rank residual use the linear family"
            )
        ) {
            _ = try AdaptTrainer.train(planted.problem, settings: settings)
        }
        #expect(ContinuousClock.now - start < .seconds(2))
        settings.family = .lowRank(rank: 8)
        #expect(throws: Never.self) { _ = try settings.validated(queryDimension: 16, indexDimension: 8) }
    }

    /// The CLI turned `--num-negatives 0` into "no hard negatives" where YAML refuses it: now both
    /// set the declared count, which refuses 0 whatever the kinds.
    @Test func aCountBelowOneForNamedNegativesIsRefused() {
        var settings = AdaptSettings()
        settings.negatives.kinds = [.hard, .inBatch]
        settings.negatives.perPair = 0
        #expect(settings.problems().map(\.setting.key) == ["num_negatives"])
        #expect(throws: AlignmentError.self) { _ = try settings.validated() }
        settings.negatives.kinds = [.inBatch]
        settings.negatives.perPair = 3
        #expect(
            settings.problems().isEmpty && settings.negatives.kinds == [.inBatch] && settings.negatives.perPair == 3)
        settings.negatives.kinds = [.hard, .random]
        #expect(settings.negatives.hard == 3 && settings.negatives.random == 3 && !settings.negatives.inBatch)
    }
}
