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
