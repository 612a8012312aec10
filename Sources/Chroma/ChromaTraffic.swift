import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What a client did: requests sent (pages fetched and query batches), retries, bytes received.
public struct ChromaTraffic: Sendable, Hashable {
    public var requests = 0
    public var retries = 0
    public var bytesReceived = 0
    /// `get` requests that returned embeddings (pages of records).
    public var pagesFetched = 0
    /// `query` requests (batches of queries).
    public var queryBatches = 0
    /// Wall seconds spent waiting for the server.
    public var seconds = 0.0

    public init() {}
}
