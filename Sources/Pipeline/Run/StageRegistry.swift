import Foundation
import Reports

/// The stage runners available, by kind. The CLI's registry holds the real implementations; a
/// kind without a runner makes `PipelineRunner` refuse the pipeline before any work.
public struct StageRegistry: Sendable {
    public var runners: [StageKind: any StageRunner]

    public init(_ runners: [StageKind: any StageRunner] = [:]) {
        self.runners = runners
    }

    public subscript(kind: StageKind) -> (any StageRunner)? {
        get { runners[kind] }
        set { runners[kind] = newValue }
    }
}
