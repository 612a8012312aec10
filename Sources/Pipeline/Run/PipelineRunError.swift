/// A failure of the run itself (not of the configuration): a stage failed, a file cannot be written.
public struct PipelineRunError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
