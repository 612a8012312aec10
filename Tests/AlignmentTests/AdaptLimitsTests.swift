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
        #expect(throws: AlignmentError.invalidParameter(
            name: "rank", value: "100000",
            reason: "must be at most min(m, p) = 8 (index dimension m = 8, query dimension p = 16); for a full-rank residual use the linear family")) {
            _ = try AdaptTrainer.train(planted.problem, settings: settings)
        }
        #expect(ContinuousClock.now - start < .seconds(2))
        settings.family = .lowRank(rank: 8)
        #expect(throws: Never.self) { _ = try settings.validated(queryDimension: 16, indexDimension: 8) }
    }

    /// The CLI turned `--num-negatives 0` into "no hard negatives" where YAML refuses it.
    @Test func aCountBelowOneForNamedNegativesIsRefused() {
        #expect(throws: AlignmentError.self) { _ = try AdaptNegatives(parsing: "hard,in-batch", count: 0) }
        #expect(throws: AlignmentError.self) { _ = try AdaptNegatives(parsing: "random", count: -1) }
        #expect(AdaptNegatives.parse("hard,in-batch", count: 0) == nil)
        // Only in-batch negatives need no count.
        #expect(AdaptNegatives.parse("in-batch", count: 0) == AdaptNegatives(random: 0, hard: 0, inBatch: true))
        #expect(AdaptNegatives.parse("hard,random", count: 3) == AdaptNegatives(random: 3, hard: 3, inBatch: false))
        do {
            _ = try AdaptNegatives(parsing: "hard", count: 0)
        } catch {
            #expect(error.description.contains("must be >= 1"), "\(error.description)")
        }
    }
}
