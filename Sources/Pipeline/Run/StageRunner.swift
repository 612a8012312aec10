import EmbeddingIO
import Foundation
import Reports
import Workflows

/// The work of one stage kind (align, adapt, evaluate, sweep, export), plugged into the runner.
///
/// Contract:
/// - Write every artifact into `context.directory` (a private staging folder). The runner moves
///   the whole folder to `runs/<pipeline>/<stage>/` only after `run` returns, so a killed run
///   never leaves a half-written stage behind, whatever way the files were written.
/// - Return the artifact file names (relative to the folder) in `StageOutput.artifacts`; the
///   runner checks they exist before committing the stage.
/// - Be deterministic given `context.seed` and the inputs: a re-run must give the same output.
/// - Read the outputs of the stages this one depends on from `context.dependencies`.
/// - Report progress through `context.progress` for anything that takes more than a second or two.
public protocol StageRunner: Sendable {
    func run(stage: StageConfig, context: StageContext) throws -> StageOutput
}
