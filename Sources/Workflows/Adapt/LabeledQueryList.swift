import AdapterFormat
import EmbeddingIO

/// The labeled queries an adapter was trained on, kept in its metadata as the first 8 hex digits of
/// each id's SHA-256 (`adapt_labeled_query_hashes`, sorted, comma-separated): enough for an
/// evaluation to find its own training queries among the evaluation queries without the training
/// qrels (a chance match of two ids is about 1 in 4 billion per pair), at 9 bytes a query.
public struct LabeledQueryList: Sendable, Hashable {
    /// The metadata key.
    public static let metadataKey = "adapt_labeled_query_hashes"
    /// Above this many labeled queries the list is not written (9 bytes each in the adapter's header).
    public static let limit = 100_000

    public let hashes: Set<Substring>

    /// The list of `queryIds`; nil above ``limit``.
    public init?(queryIds: [String]) {
        guard queryIds.count <= Self.limit else { return nil }
        hashes = Set(queryIds.map { Substring(Self.hash($0)) })
    }

    /// The list an adapter's metadata holds; nil when it holds none.
    public init?(metadata: [String: String]) {
        guard let text = metadata[Self.metadataKey], !text.isEmpty else { return nil }
        hashes = Set(text.split(separator: ","))
    }

    /// Whether `queryId` is (with the chance above) one of the listed queries.
    public func contains(_ queryId: String) -> Bool { hashes.contains(Substring(Self.hash(queryId))) }

    /// The metadata value.
    public var metadataValue: String { hashes.sorted().joined(separator: ",") }

    static func hash(_ id: String) -> String { String(SHA256.hex(id).prefix(8)) }
}
