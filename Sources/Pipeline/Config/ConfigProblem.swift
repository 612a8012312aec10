/// Where a configuration value came from: a file position, or a `--set` override.
///
/// `line` and `column` are 1-based (columns count Unicode scalars, as libyaml does).
/// A location with `line == 0` has no position (an override given on the command line,
/// or a problem about a whole file); it prints as the bare `file` text.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file as the user would name it (relative to the current directory when possible),
    /// or `--set key.path=value` for a command-line override.
    public var file: String
    /// 1-based line, or 0 when there is no position.
    public var line: Int
    /// 1-based column, or 0 when there is no position.
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`, or just `file` when there is no position.
    public var description: String {
        line > 0 ? "\(file):\(line):\(column)" : file
    }
}

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

/// Thrown when a configuration has one or more problems; carries all of them.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var problems: [ConfigProblem]

    public init(problems: [ConfigProblem]) {
        self.problems = problems
    }

    /// One problem per line, in the order they appear in the files.
    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
