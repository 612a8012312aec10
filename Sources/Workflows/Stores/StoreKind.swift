import Chroma
import Postgres

/// The kind of store a `--corpus`-style location names: `chroma://...` or `postgresql://...`.
/// Every front end and request asks here, so a third store is added in one place.
public enum StoreKind: Sendable {
    case chroma, postgres

    /// nil for a file path.
    public init?(location: String) {
        if ChromaLocation.isLocation(location) {
            self = .chroma
        } else if PostgresLocation.isLocation(location) {
            self = .postgres
        } else {
            return nil
        }
    }

    /// What its records are called in messages.
    public var records: String {
        self == .chroma ? "a Chroma collection (its records" : "a Postgres table (its rows"
    }

    /// One of its records, and what holds them, in messages: "record" of a "collection", "row" of a "table".
    public var item: String { self == .chroma ? "record" : "row" }
    public var container: String { self == .chroma ? "collection" : "table" }
}
