/// The one `Decoder` of pipeline configurations: a ``ConfigNode`` tree read into typed values
/// that reports instead of failing. A value of the wrong type or outside its choices is recorded
/// in the ``ProblemLog`` with its file, line and column and decodes as absent (the default
/// stays), so one pass finds every problem of a file.
///
/// Every key asked for is recorded, so ``readMapping(_:)`` reports the keys nobody asked for
/// with the nearest known key suggested. A scalar where a list is expected reads as a
/// one-element list; a key written as `key:` or `key: null` counts as absent.
package struct ConfigNodeDecoder: Decoder {
    package let node: ConfigNode
    package let path: String
    package let log: ProblemLog
    /// The keys asked for so far, shared by every container and read of this node.
    package let requested: RequestedKeys

    package var codingPath: [any CodingKey] { [] }
    package var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// Records a problem already logged, so the surrounding optional decode yields nil.
    package struct Reported: Error {}

    /// The keys a keyed container was asked for.
    package final class RequestedKeys {
        package var keys: [String] = []

        package init() {}
    }

    package init(node: ConfigNode, path: String, log: ProblemLog, requested: RequestedKeys = RequestedKeys()) {
        self.node = node
        self.path = path
        self.log = log
        self.requested = requested
    }

    // MARK: - Reading by key, with the problems placed

    /// `path.key`, or `key` at the root.
    package func keyPath(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    /// Records a problem at this node.
    package func report(_ message: String) {
        log.add(node.location, path, message)
    }

    /// The decoder of `key`'s value, nil when the key is absent or null. The key counts as known.
    package subscript(key: String) -> ConfigNodeDecoder? {
        requested.keys.append(key)
        guard let value = node[key] else { return nil }
        if case .scalar(.null, _) = value.value { return nil }
        return child(value, path: keyPath(key))
    }

    /// `key`'s value; nil when absent, or when it is wrong (logged).
    package func decode<T: Decodable>(_ key: String, as type: T.Type = T.self) -> T? {
        self[key]?.decodeLogged(type)
    }

    /// Logs "missing required key" for each of `keys` not written at all (one written as null was
    /// written: its own reader judges it).
    package func require(_ keys: String...) {
        for key in keys where node[key] == nil { report("missing required key \"\(key)\"") }
    }

    /// `key`'s value when `valid` accepts it, else nil and "expected `expectation`, got ..." logged
    /// (a value of the wrong type gets the type's own message).
    package func decode<T: Decodable>(_ key: String, expecting expectation: String, where valid: (T) -> Bool) -> T? {
        guard let value = self[key], let decoded = value.decodeLogged(T.self) else { return nil }
        guard valid(decoded) else {
            value.report("expected \(expectation), got \(value.node.describedForMessage)")
            return nil
        }
        return decoded
    }

    /// This node as a mapping (null reads as an empty one); nil, with a problem logged, otherwise.
    package var mapping: ConfigNodeDecoder? {
        switch node.value {
        case .mapping: return self
        case .scalar(.null, _):
            var empty = node
            empty.value = .mapping([])
            return ConfigNodeDecoder(node: empty, path: path, log: log, requested: requested)
        default:
            report("expected a mapping, got \(node.describedForMessage)")
            return nil
        }
    }

    /// Reads this mapping with `read`, then reports every key `read` did not ask for; nil (logged)
    /// when the node is not a mapping.
    package func readMapping<T>(_ read: (ConfigNodeDecoder) -> T?) -> T? {
        guard let mapping else { return nil }
        defer { mapping.reportUnknownKeys() }
        return read(mapping)
    }

    /// Records each key of this mapping nobody asked for, with the nearest known key suggested.
    package func reportUnknownKeys() {
        var known: [String] = []
        for key in requested.keys where !known.contains(key) { known.append(key) }
        for entry in node.entries ?? [] where !known.contains(entry.key) {
            var message = "unknown key \"\(entry.key)\""
            if let suggestion = Suggestion.nearest(to: entry.key, among: known) {
                message += "; did you mean \"\(suggestion)\"?"
            } else if !known.isEmpty {
                message += "; known keys: \(known.joined(separator: ", "))"
            }
            log.add(entry.keyLocation, keyPath(entry.key), message)
        }
    }

    /// The elements of this list, each with its own decoder (a scalar is a list of one, null an
    /// empty list); nil, with a problem logged, for a mapping.
    package var elements: [ConfigNodeDecoder]? {
        switch node.value {
        case .sequence(let elements): return elements.enumerated().map { child($1, path: "\(path)[\($0)]") }
        case .scalar(.null, _): return []
        case .scalar: return [self]
        case .mapping:
            report("expected a list, got \(node.describedForMessage)")
            return nil
        }
    }

    // MARK: - Decoder

    package func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard let mapping else { throw Reported() }
        return KeyedDecodingContainer(Keyed(decoder: mapping))
    }

    package func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard let elements else { throw Reported() }
        return Unkeyed(elements: elements)
    }

    package func singleValueContainer() throws -> any SingleValueDecodingContainer {
        Single(decoder: self)
    }

    package func child(_ node: ConfigNode, path: String) -> ConfigNodeDecoder {
        ConfigNodeDecoder(node: node, path: path, log: log, requested: RequestedKeys())
    }

    /// Decodes `type` from this node, logging what is wrong; nil after a logged problem.
    package func decodeLogged<T: Decodable>(_ type: T.Type) -> T? {
        if let names = Self.choiceNames(type) {
            let written: String? =
                switch node.value {
                case .scalar(.string(let s), _): s
                case .scalar(_, let text): text
                default: nil
                }
            guard let written, names.contains(written) else {
                var message = "expected one of \(names.joined(separator: ", ")), got \(node.describedForMessage)"
                if let written, let suggestion = Suggestion.nearest(to: written, among: names) {
                    message += "; did you mean \"\(suggestion)\"?"
                }
                log.add(node.location, path, message)
                return nil
            }
        }
        do {
            return try T(from: self)
        } catch is Reported {
            return nil
        } catch {
            log.add(node.location, path, "cannot read \(node.describedForMessage): \(error)")
            return nil
        }
    }

    /// The raw values of a `CaseIterable` string enum (or of an optional one), nil for other types.
    package static func choiceNames(_ type: Any.Type) -> [String]? {
        if let optional = type as? any OptionalType.Type { return choiceNames(optional.wrapped) }
        guard let iterable = type as? any CaseIterable.Type else { return nil }
        return names(of: iterable)
    }

    private static func names<C: CaseIterable>(of type: C.Type) -> [String]? {
        let names = type.allCases.compactMap { ($0 as? any RawRepresentable)?.rawValue as? String }
        return names.isEmpty ? nil : names
    }

    fileprivate func mismatch(_ expectation: String) -> Reported {
        log.add(node.location, path, "expected \(expectation), got \(node.describedForMessage)")
        return Reported()
    }

    private struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let decoder: ConfigNodeDecoder
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { (decoder.node.entries ?? []).compactMap { Key(stringValue: $0.key) } }

        func contains(_ key: Key) -> Bool { decoder[key.stringValue] != nil }

        func decodeNil(forKey key: Key) throws -> Bool { !contains(key) }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            guard let result = try decodeIfPresent(type, forKey: key) else { throw Reported() }
            return result
        }

        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            decoder[key.stringValue]?.decodeLogged(type)
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
            -> KeyedDecodingContainer<NestedKey>
        {
            try present(key).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try present(key).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder { decoder }
        func superDecoder(forKey key: Key) throws -> any Decoder { try present(key) }

        private func present(_ key: Key) throws -> ConfigNodeDecoder {
            guard let value = decoder[key.stringValue] else { throw Reported() }
            return value
        }
    }

    private struct Unkeyed: UnkeyedDecodingContainer {
        let elements: [ConfigNodeDecoder]
        var currentIndex = 0

        var codingPath: [any CodingKey] { [] }
        var count: Int? { elements.count }
        var isAtEnd: Bool { currentIndex >= elements.count }

        mutating func decodeNil() throws -> Bool { false }

        /// A bad element is logged, and so is every bad element after it, before the list is given up.
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            if let value = try next().decodeLogged(type) { return value }
            while !isAtEnd { _ = try next().decodeLogged(type) }
            throw Reported()
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
            -> KeyedDecodingContainer<NestedKey>
        {
            try next().container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            try next().unkeyedContainer()
        }

        mutating func superDecoder() throws -> any Decoder { try next() }

        private mutating func next() throws -> ConfigNodeDecoder {
            guard !isAtEnd else { throw Reported() }
            currentIndex += 1
            return elements[currentIndex - 1]
        }
    }

    private struct Single: SingleValueDecodingContainer {
        let decoder: ConfigNodeDecoder
        var codingPath: [any CodingKey] { [] }

        func decodeNil() -> Bool {
            if case .scalar(.null, _) = decoder.node.value { return true }
            return false
        }

        func decode(_ type: Bool.Type) throws -> Bool {
            guard case .scalar(.bool(let flag), _) = decoder.node.value else { throw decoder.mismatch("true or false") }
            return flag
        }

        func decode(_ type: String.Type) throws -> String {
            switch decoder.node.value {
            case .scalar(.string(let s), _): return s
            case .scalar(.int, let text), .scalar(.float, let text): return text
            default: throw decoder.mismatch("a string")
            }
        }

        func decode(_ type: Double.Type) throws -> Double {
            switch decoder.node.value {
            case .scalar(.int(let i), _): return Double(i)
            case .scalar(.float(let d), _) where d.isFinite: return d
            default: throw decoder.mismatch("a number")
            }
        }

        func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }

        func decode(_ type: Int.Type) throws -> Int {
            guard case .scalar(.int(let i), _) = decoder.node.value else { throw decoder.mismatch("an integer") }
            return i
        }

        /// Every other integer type reads as an `Int` that must fit it; anything else decodes itself.
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            guard let integer = type as? any FixedWidthInteger.Type else { return try T(from: decoder) }
            guard let value = integer.init(exactly: try decode(Int.self)) else {
                throw decoder.mismatch("an integer in range")
            }
            return value as! T
        }
    }
}

/// Lets ``ConfigNodeDecoder`` see through `Optional` to an enum's choices (an optional setting).
private protocol OptionalType {
    static var wrapped: Any.Type { get }
}

extension Optional: OptionalType {
    static var wrapped: Any.Type { Wrapped.self }
}
