/// Wall times of an evaluation, in seconds.
public struct EvaluationTiming: Sendable, Hashable {
    /// Applying `mapQueries` (0 without a map).
    public var mapSeconds: Double
    /// Mapping plus exact search (the figure `peer.py evaluate` reports as `search_s`).
    public var searchSeconds: Double
    /// Evaluated queries per second of ``searchSeconds``.
    public var queriesPerSecond: Double
}
