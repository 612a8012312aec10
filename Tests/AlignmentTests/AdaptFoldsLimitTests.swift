import Testing

@testable import Alignment

/// Issue 19 item 7: `folds: 100000` held one training run per fold in memory (capped only at the
/// labeled queries: 11.5 GB, then an abort). The declared range refuses it in every front end, and
/// within the range there are never more folds than labeled queries.
@Suite("Stage-two fold limits")
struct AdaptFoldsLimitTests {
    @Test func foldsAboveTheDeclaredLimitAreRefusedBeforeTraining() throws {
        let planted = try AdaptSyntheticProblem()
        var settings = AdaptSettings(maxSteps: 5)
        settings.folds = 100_000
        #expect(settings.problems().map(\.setting.key) == ["folds"])
        let start = ContinuousClock.now
        #expect(throws: AlignmentError.self) { _ = try AdaptTrainer.train(planted.problem, settings: settings) }
        #expect(ContinuousClock.now - start < .seconds(2))
        settings.folds = AdaptSettings.maxFolds
        #expect(settings.problems().isEmpty)
    }

    @Test func foldsNeverOutnumberTheLabeledQueries() throws {
        let planted = try AdaptSyntheticProblem()
        var settings = AdaptSettings(maxSteps: 2, budget: 4)
        settings.folds = AdaptSettings.maxFolds
        settings.evaluationInterval = 1
        var folds: Int?
        _ = try AdaptTrainer.train(planted.problem, settings: settings) { event in
            if case .prepared(let labeled, _, let count, _) = event {
                #expect(labeled == 4)
                folds = count
            }
        }
        #expect(folds.map { $0 >= 2 && $0 <= 4 } == true, "\(String(describing: folds))")
    }
}
