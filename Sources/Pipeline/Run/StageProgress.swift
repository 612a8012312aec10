import Foundation

/// The progress reporter handed to a stage.
public struct StageProgress: Sendable {
    let stage: String
    let handler: @Sendable (ProgressEvent) -> Void

    public init(stage: String, handler: @escaping @Sendable (ProgressEvent) -> Void) {
        self.stage = stage
        self.handler = handler
    }

    public func callAsFunction(completed: Int, total: Int?, _ message: String = "") {
        handler(ProgressEvent(stage: stage, completed: completed, total: total, message: message))
    }
}
