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
