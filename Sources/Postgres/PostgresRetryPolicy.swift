internal import CLibpq
import Foundation

/// How era retries against a Postgres server, and the time it allows a statement.
///
/// With the server gone (stopped, or its socket removed), a statement gives up after waiting at most
/// `firstDelay` × 2^(`attempts` − 1) seconds in all (2 s by default) plus the failed connection
/// attempts themselves (immediate for a stopped local server, up to `connect_timeout` each for an
/// unanswering host).
public struct PostgresRetryPolicy: Sendable, Hashable {
    /// Attempts per statement (and per connection) before giving up.
    public var attempts = 4
    /// The wait before the second attempt; doubled for each later one.
    public var firstDelay = 0.25
    /// The longest a statement may run (era sets `statement_timeout`); a timed-out read is retried.
    public var statementTimeoutSeconds = 120.0
    /// Seconds libpq waits to connect when the URI does not say (`connect_timeout`).
    public var connectTimeoutSeconds = 10
    /// Seconds past `statementTimeoutSeconds` that era waits without a byte from the server before
    /// it takes the session for dead and retries on a new one: a frozen server or a silent network
    /// never sends the error of its own statement timeout.
    public var unansweredGraceSeconds = 10.0

    public init() {}
}
