/// Collects problems while a configuration is read, so all of them can be reported at once.
final class ProblemLog {
    private(set) var problems: [ConfigProblem] = []

    func add(_ location: SourceLocation, _ keyPath: String, _ message: String) {
        problems.append(ConfigProblem(location: location, keyPath: keyPath, message: message))
    }

    func append(contentsOf more: [ConfigProblem]) {
        problems += more
    }
}

/// Reads the keys of one mapping with their types, recording a problem for each wrong value and,
/// at `finish()`, for each key that was never asked for (with the nearest known key suggested).
///
/// A key written as `key:` or `key: null` counts as absent (its default applies).
struct MappingReader {
    let node: ConfigNode
    let path: String
    let log: ProblemLog
    private var known: [String] = []

    /// Nil (and a problem recorded) when `node` is neither a mapping nor null.
    init?(_ node: ConfigNode, path: String, log: ProblemLog) {
        switch node.value {
        case .mapping: self.node = node
        case .scalar(.null, _):
            var empty = node
            empty.value = .mapping([])
            self.node = empty
        default:
            log.add(node.location, path, "expected a mapping, got \(node.describedForMessage)")
            return nil
        }
        self.path = path
        self.log = log
    }

    func keyPath(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    /// The value of `key`, nil when absent or null. Marks `key` as known.
    mutating func raw(_ key: String) -> ConfigNode? {
        known.append(key)
        guard let value = node[key] else { return nil }
        if case .scalar(.null, _) = value.value { return nil }
        return value
    }

    /// Marks keys as known without reading them (handled elsewhere).
    mutating func allow(_ keys: String...) {
        known += keys
    }

    /// Marks keys as known without reading them (read by a ``ConfigNodeDecoder``).
    mutating func allow(contentsOf keys: [String]) {
        known += keys
    }

    /// Records unknown keys. Call once, after every key has been read.
    func finish() {
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

    // MARK: - Typed values

    mutating func int(_ key: String, default value: Int, atLeast minimum: Int? = nil) -> Int {
        optionalInt(key, atLeast: minimum) ?? value
    }

    mutating func optionalInt(_ key: String, atLeast minimum: Int? = nil) -> Int? {
        guard let node = raw(key) else { return nil }
        return Self.int(node, path: keyPath(key), atLeast: minimum, log: log)
    }

    static func int(_ node: ConfigNode, path: String, atLeast minimum: Int?, log: ProblemLog) -> Int? {
        guard case .scalar(.int(let value), _) = node.value else {
            log.add(node.location, path, "expected an integer, got \(node.describedForMessage)")
            return nil
        }
        if let minimum, value < minimum {
            log.add(node.location, path, "expected an integer >= \(minimum), got \(value)")
            return nil
        }
        return value
    }

    /// A number (integers accepted) satisfying `valid`, described by `expectation` ("a number > 0").
    mutating func double(
        _ key: String, default value: Double, expectation: String = "a number",
        valid: (Double) -> Bool = { $0.isFinite }
    ) -> Double {
        optionalDouble(key, expectation: expectation, valid: valid) ?? value
    }

    /// As ``double(_:default:expectation:valid:)``, nil when the key is absent (or invalid, which is logged).
    mutating func optionalDouble(
        _ key: String, expectation: String = "a number",
        valid: (Double) -> Bool = { $0.isFinite }
    ) -> Double? {
        guard let node = raw(key) else { return nil }
        let number: Double
        switch node.value {
        case .scalar(.int(let i), _): number = Double(i)
        case .scalar(.float(let d), _): number = d
        default:
            log.add(node.location, keyPath(key), "expected \(expectation), got \(node.describedForMessage)")
            return nil
        }
        guard number.isFinite, valid(number) else {
            log.add(node.location, keyPath(key), "expected \(expectation), got \(node.describedForMessage)")
            return nil
        }
        return number
    }

    mutating func bool(_ key: String, default value: Bool) -> Bool {
        guard let node = raw(key) else { return value }
        guard case .scalar(.bool(let flag), _) = node.value else {
            log.add(node.location, keyPath(key), "expected true or false, got \(node.describedForMessage)")
            return value
        }
        return flag
    }

    /// A string; plain numbers are accepted as their text (a name may be `2024`), booleans are not.
    mutating func string(_ key: String) -> String? {
        guard let node = raw(key) else { return nil }
        return Self.string(node, path: keyPath(key), log: log)
    }

    static func string(_ node: ConfigNode, path: String, log: ProblemLog) -> String? {
        switch node.value {
        case .scalar(.string(let s), _): return s
        case .scalar(.int, let text), .scalar(.float, let text): return text
        default:
            log.add(node.location, path, "expected a string, got \(node.describedForMessage)")
            return nil
        }
    }

    mutating func choice<E: RawRepresentable & CaseIterable>(_ key: String, default value: E) -> E
    where E.RawValue == String {
        guard let node = raw(key) else { return value }
        return Self.choice(node, path: keyPath(key), log: log) ?? value
    }

    static func choice<E: RawRepresentable & CaseIterable>(_ node: ConfigNode, path: String, log: ProblemLog) -> E?
    where E.RawValue == String {
        let names = E.allCases.map(\.rawValue)
        guard case .scalar(.string(let text), _) = node.value else {
            log.add(
                node.location, path, "expected one of \(names.joined(separator: ", ")), got \(node.describedForMessage)"
            )
            return nil
        }
        if let value = E(rawValue: text) { return value }
        var message = "expected one of \(names.joined(separator: ", ")), got \"\(text)\""
        if let suggestion = Suggestion.nearest(to: text, among: names) {
            message += "; did you mean \"\(suggestion)\"?"
        }
        log.add(node.location, path, message)
        return nil
    }

    /// A list whose elements are read by `element`; a single scalar counts as a one-element list
    /// when `acceptsScalar`. Returns nil when absent; elements that fail are left out.
    mutating func list<T>(
        _ key: String, acceptsScalar: Bool = false,
        element: (ConfigNode, String, ProblemLog) -> T?
    ) -> [T]? {
        guard let node = raw(key) else { return nil }
        return Self.list(node, path: keyPath(key), acceptsScalar: acceptsScalar, log: log, element: element)
    }

    static func list<T>(
        _ node: ConfigNode, path: String, acceptsScalar: Bool, log: ProblemLog,
        element: (ConfigNode, String, ProblemLog) -> T?
    ) -> [T]? {
        switch node.value {
        case .sequence(let elements):
            return elements.enumerated().compactMap { index, item in element(item, "\(path)[\(index)]", log) }
        case .scalar where acceptsScalar:
            return element(node, path, log).map { [$0] }
        default:
            log.add(node.location, path, "expected a list, got \(node.describedForMessage)")
            return nil
        }
    }

    /// A nested mapping reader for `key`, nil when absent or not a mapping (problem recorded).
    mutating func child(_ key: String) -> MappingReader? {
        guard let node = raw(key) else { return nil }
        return MappingReader(node, path: keyPath(key), log: log)
    }
}

/// "Did you mean" suggestions by edit distance.
enum Suggestion {
    /// The candidate closest to `word` in Levenshtein distance, if close enough to be a likely typo
    /// (at most 2 edits, or a third of the word's length for long words), else a candidate that
    /// starts the word or that the word starts (`hardest` -> `hard`).
    static func nearest(to word: String, among candidates: [String]) -> String? {
        let limit = max(2, word.count / 3)
        if let close = closest(to: word, among: candidates, limit: limit) { return close }
        let lowered = word.lowercased()
        return candidates.first { candidate in
            let c = candidate.lowercased()
            return c.count >= 3 && lowered.count >= 3 && (lowered.hasPrefix(c) || c.hasPrefix(lowered))
        }
    }

    private static func closest(to word: String, among candidates: [String], limit: Int) -> String? {
        let scored = candidates.map { ($0, distance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= limit else { return nil }
        return best.0
    }

    /// Levenshtein distance over Characters.
    /// - Complexity: O(|a| |b|).
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
