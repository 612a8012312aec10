import Foundation

/// One `key.path=value` override, e.g. from a command line's `--set`.
///
/// The key path is dotted with optional `[i]` indices (`stages[1].options.epochs`); a stage may
/// also be addressed by its name (`stages.adapt.options.budget`). The value is parsed as YAML, so
/// `32` is an integer, `true` a boolean, `0.05` a number, `[8, 16]` a list and anything else a string.
public struct ConfigOverride: Sendable, Hashable {
    public var keyPath: String
    public var value: String
    /// How the front end that took the override names it in messages (the CLI: its flag).
    public var source: String

    /// Parses `key.path=value` (the first `=` separates them); `source` names where it came from.
    /// - Throws: `ConfigError` when there is no `=` or the key path is empty.
    public init(parsing argument: String, source: String) throws(ConfigError) {
        guard let equals = argument.firstIndex(of: "="),
            !argument[..<equals].trimmingCharacters(in: .whitespaces).isEmpty
        else {
            throw ConfigError(problems: [
                ConfigProblem(
                    location: SourceLocation(file: "\(source) \(argument)", line: 0, column: 0), keyPath: "",
                    message: "expected key.path=value")
            ])
        }
        keyPath = argument[..<equals].trimmingCharacters(in: .whitespaces)
        value = String(argument[argument.index(after: equals)...])
        self.source = source
    }

    /// How problems with this override are located: the source, then `key.path=value`.
    package var origin: String { "\(source) \(keyPath)=\(value)" }
}
