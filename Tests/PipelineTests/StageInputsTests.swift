import Foundation
import Testing

@testable import Pipeline

/// Reruns follow the stages a stage reads from (`adapt.from`, `evaluate.maps`, `sweep.adapt`,
/// `export.map`), not `after:`.
@Suite("Stage inputs")
struct StageInputsTests {
    /// A stage's fingerprint follows the stages whose outputs it reads, not the stage written
    /// before it: sweep (after evaluate) and export (after sweep) read only adapt's map.
    @Test func changedEvaluateOptionRerunsOnlyThatEvaluation() throws {
        let setup = try PipelineRunnerTests.Setup()
        defer { setup.fixture.remove() }
        _ = try setup.run()
        let events = EventLog()
        let config = try setup.fixture.load(
            "Pipelines/demo.yaml", overrides: ["stages.evaluate.options.confidence=0.9"])
        let summary = try PipelineRunner(
            config: config, registry: FakeStage.registry(setup.invocations),
            currentDirectory: setup.fixture.root.path, onEvent: events.record
        ).run()
        #expect(summary.ran == ["evaluate"])
        #expect(summary.skipped == ["align", "adapt", "sweep", "export", "baselines"])
        #expect(
            !events.all.contains {
                if case .stageStarted(_, let reason) = $0 { reason.contains("ran again") } else { false }
            })
        // A change that does feed them still reaches them, with the stage that ran named as the reason.
        let adapt = try setup.fixture.load("Pipelines/demo.yaml", overrides: ["stages.adapt.options.max_steps=7"])
        let again = EventLog()
        let rerun = try PipelineRunner(
            config: adapt, registry: FakeStage.registry(setup.invocations),
            currentDirectory: setup.fixture.root.path, onEvent: again.record
        ).run()
        #expect(rerun.ran == ["adapt", "evaluate", "sweep", "export"])
        #expect(again.all.contains(.stageStarted("export", reason: "adapt ran again")))
    }
}
