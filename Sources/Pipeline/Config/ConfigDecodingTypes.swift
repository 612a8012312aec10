import ConfigDecoding

// The configuration types of Pipeline's public API live in ConfigDecoding, a package-internal
// target; these names let a program that imports Pipeline alone catch and build them.

/// Thrown when a configuration has one or more problems; carries all of them.
public typealias ConfigError = ConfigDecoding.ConfigError
/// One mistake found in a pipeline configuration, with its file, line and column.
public typealias ConfigProblem = ConfigDecoding.ConfigProblem
/// Where a configuration value came from: a file position, or a `--set` override.
public typealias SourceLocation = ConfigDecoding.SourceLocation
/// One `--set key.path=value` override from the command line.
public typealias ConfigOverride = ConfigDecoding.ConfigOverride
