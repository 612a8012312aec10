import Foundation
import Reports

/// A finished stage as a later stage sees it.
public struct CompletedStage: Sendable, Hashable {
    public var name: String
    public var kind: StageKind
    /// The stage's folder in the run directory.
    public var directory: URL
    public var output: StageOutput
    public var fingerprint: String

    public init(name: String, kind: StageKind, directory: URL, output: StageOutput, fingerprint: String) {
        self.name = name
        self.kind = kind
        self.directory = directory
        self.output = output
        self.fingerprint = fingerprint
    }

    /// The file of an artifact role, if the stage produced one.
    public func artifact(_ role: String) -> URL? {
        output.artifacts[role].map { directory.appendingPathComponent($0) }
    }
}
