import Foundation

/// The slow tier: tests whose point is long work (real data at full size, scale bounds, the full
/// case count of a fuzz test) run only when `ERA_SLOW_TESTS=1`, so a developer's `swift test` stays
/// within minutes while CI still runs them: `.ci/run` makes a second pass,
/// `ERA_SLOW_TESTS=1 swift test --filter SlowTests`.
///
/// The convention that second pass relies on: every suite gated on ``isEnabled`` has a name ending
/// in `SlowTests` (the filter matches it), and says in its doc comment why it needs the time.
public enum SlowTier {
    /// Whether `ERA_SLOW_TESTS` is set to `1`.
    public static var isEnabled: Bool {
        ProcessInfo.processInfo.environment["ERA_SLOW_TESTS"] == "1"
    }

    /// Why a slow test skipped, for `.enabled(if:)`.
    public static func skipReason(_ why: String) -> String {
        "slow tier (\(why)): set ERA_SLOW_TESTS=1 to run it, as .ci/run does (ERA_SLOW_TESTS=1 swift test --filter SlowTests)"
    }
}
