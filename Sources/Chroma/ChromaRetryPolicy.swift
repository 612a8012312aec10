import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// How long to wait and how often to try again.
public struct ChromaRetryPolicy: Sendable, Hashable {
    /// Seconds one request may take before it is abandoned (and retried).
    public var timeout: Double
    /// Tries per request, the first included (>= 1).
    public var attempts: Int
    /// Seconds before the first retry; doubled before each further one.
    public var backoff: Double

    /// The defaults: 60 s per request, 4 tries, waiting 0.5, 1 and 2 s between them.
    public init(timeout: Double = 60, attempts: Int = 4, backoff: Double = 0.5) {
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.backoff = backoff
    }
}
