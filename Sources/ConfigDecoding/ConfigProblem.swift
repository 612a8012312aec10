/// One mistake found in a pipeline configuration.
///
/// Validation collects every problem it can find before any work starts; each names the
/// file (and line and column) that has the problem and the key path inside the resolved
/// configuration, e.g. `stages[1].options.epochs`.
public struct ConfigProblem: Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation
    /// Dotted path with `[i]` indices, e.g. `data.index.embeddings` or `stages[1].after[0]`.
    /// Empty for problems about a whole file.
    public var keyPath: String
    public var message: String

    public init(location: SourceLocation, keyPath: String, message: String) {
        self.location = location
        self.keyPath = keyPath
        self.message = message
    }

    /// `Pipelines/x.yaml:12:5: stages[1].options.epochs: expected an integer, got "ten"`.
    public var description: String {
        keyPath.isEmpty ? "\(location): \(message)" : "\(location): \(keyPath): \(message)"
    }
}
