import Foundation

/// JSON with sorted keys and no escaped slashes: equal values give equal bytes, on every
/// platform and in every run (Swift's `Hasher` is seeded per process, so it cannot serve).
public enum CanonicalJSON {
    /// The canonical JSON bytes of `value`.
    /// - Parameters:
    ///   - value: what to encode.
    ///   - pretty: indented output for files people read; the bytes are still canonical.
    /// - Throws: what `JSONEncoder` throws, e.g. for a non-finite `Double` (JSON has no NaN).
    public static func encode<T: Encodable>(_ value: T, pretty: Bool = false) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty
            ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
            : [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    /// era's one content hash of a value: SHA-256 of its canonical JSON, as 64 lowercase hex digits.
    ///
    /// A value that cannot be encoded hashes as the empty input (never throws).
    public static func hash<T: Encodable>(of value: T) -> String {
        var hasher = SHA256()
        hasher.update((try? encode(value)) ?? Data())
        return hasher.hexDigest()
    }

    /// The first 16 hex digits of ``hash(of:)``: short enough for file metadata and log lines.
    public static func shortHash<T: Encodable>(of value: T) -> String {
        String(hash(of: value).prefix(16))
    }
}
