/// The kind of store an ``IndexSource`` names, as messages call it: each store declares its own
/// beside its resolver (`IndexSource+Chroma.swift`, `IndexSource+Postgres.swift`).
public struct StoreKind: Sendable, Hashable, CustomStringConvertible {
    /// `chroma`, `postgres`: the JSON key of its figures and the table's column word.
    public let name: String
    /// What its records are called in messages: "a Chroma collection (its records".
    public let records: String
    /// One of its records, and what holds them, in messages: "record" of a "collection", "row" of a "table".
    public let item: String
    public let container: String
    /// Whether a location names this kind of store (its scheme).
    let isLocation: @Sendable (String) -> Bool

    public var description: String { name }

    public static func == (lhs: StoreKind, rhs: StoreKind) -> Bool { lhs.name == rhs.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}
