import Workflows

/// Options of `kind: export`.
public struct ExportOptions: Sendable, Hashable, Encodable {
    public typealias Format = ExportWorkflow.Format

    /// The align or adapt stage whose map is exported (default: the nearest adapt stage before it,
    /// else the nearest align stage).
    public var map: String
    public var formats: [Format] = [.safetensors]
    /// Base name of the adapter file(s) in the stage folder (no directory, no extension).
    public var file = "adapter"

    public init(map: String) {
        self.map = map
    }
}
