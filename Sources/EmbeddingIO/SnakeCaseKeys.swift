/// Reads a JSON object whose keys era writes in snake_case, and accepts the camelCase key an
/// earlier version wrote for the same field, so that run folders written before the keys were
/// unified still load.
///
/// `compared_to` also reads `comparedTo`; a key whose old spelling does not follow from it
/// (`stage_one_dev_ndcg@10` for `stageOneDevNDCG10`) names it with `legacy:`.
public struct SnakeCaseKeys {
    private let container: KeyedDecodingContainer<Key>

    /// Any string as a coding key.
    public struct Key: CodingKey, Sendable {
        public let stringValue: String
        public var intValue: Int? { nil }
        public init(_ key: String) { stringValue = key }
        public init?(stringValue: String) { self.stringValue = stringValue }
        public init?(intValue: Int) { nil }
    }

    public init(_ decoder: any Decoder) throws {
        container = try decoder.container(keyedBy: Key.self)
    }

    /// The value under `key`, else under its old spelling.
    /// - Throws: `DecodingError.keyNotFound` for `key` when neither is present.
    public func decode<T: Decodable>(_ key: String, legacy: String? = nil, as type: T.Type = T.self) throws -> T {
        guard let value = try decodeIfPresent(key, legacy: legacy, as: type) else {
            throw DecodingError.keyNotFound(
                Key(key), DecodingError.Context(codingPath: container.codingPath, debugDescription: "no \(key)"))
        }
        return value
    }

    /// The value under `key`, else under its old spelling; nil when neither is present (or null).
    public func decodeIfPresent<T: Decodable>(_ key: String, legacy: String? = nil, as type: T.Type = T.self) throws
        -> T?
    {
        for name in [key, legacy ?? Self.camelCase(key)] {
            if let value = try container.decodeIfPresent(T.self, forKey: Key(name)) { return value }
        }
        return nil
    }

    /// `compared_to` -> `comparedTo`.
    public static func camelCase(_ key: String) -> String {
        let words = key.split(separator: "_")
        return words.prefix(1).joined() + words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// Whether `key` is written in era's style: lowercase letters, digits and underscores, starting
    /// with a letter, optionally ending in a metric cutoff (`ndcg@10`, `stage_one_dev_ndcg@10`).
    public static func isSnakeCase(_ key: String) -> Bool {
        let parts = key.split(separator: "@", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let first = parts[0].first, first.isASCII, first.isLowercase else {
            return false
        }
        let word = parts[0].allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }
        let cutoff = parts.count == 1 || (!parts[1].isEmpty && parts[1].allSatisfy { $0.isASCII && $0.isNumber })
        return word && cutoff
    }
}
