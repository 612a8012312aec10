/// A file named by the configuration.
public struct DataFile: Sendable, Hashable, Encodable {
    /// Absolute, normalized path.
    public var path: String
    /// Where the path was written (for messages); not part of the resolved config.
    public var location: SourceLocation

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(path)
    }
}
