/// One setting of a settings type, declared once: its key, documentation, valid range and how
/// a front end reads it. Every front end (a pipeline's YAML, the CLI's flags, the generated docs)
/// works from these declarations, so a name, a default or a range lives in one place.
///
/// The default is the value in `Root()`: declarations never repeat it.
public struct Setting<Root: Sendable>: Sendable {
    /// The snake_case key (YAML, JSON, docs).
    public let key: String
    /// The CLI's long flag, without dashes: `key` in kebab-case unless the declaration names
    /// another (an older spelling users already type).
    public let flag: String
    /// One line for help texts and the docs.
    public let doc: String
    /// What a valid value is, for messages: "a number > 0", "one of linear, rotation", ...
    public let expectation: String
    /// The value in `root`, as a person writes it (defaults in help and docs).
    public let text: @Sendable (Root) -> String
    /// Why the value in `root` is invalid; nil when it is valid.
    public let problem: @Sendable (Root) -> String?
    /// Reads the key from a keyed container into `root`; false when the key is absent.
    public let decode: @Sendable (inout Root, KeyedDecodingContainer<SettingKey>) throws -> Bool
    /// Stores a value of the setting's type (a parsed CLI flag); false when `value` has another type.
    public let assign: @Sendable (inout Root, Any) -> Bool
    /// Writes the value under `key` (nothing for an unset optional).
    public let encode: @Sendable (Root, inout KeyedEncodingContainer<SettingKey>) throws -> Void

    /// Declares the setting at `keyPath`.
    /// - Parameters:
    ///   - keyPath: where the value lives in `Root` (stored or computed).
    ///   - key: the snake_case key.
    ///   - flag: the CLI flag when it is not `key` in kebab-case.
    ///   - doc: one line saying what it does.
    ///   - expectation: what a valid value is, for messages.
    ///   - valid: the range check.
    ///   - unset: what an unset optional means ("all labeled queries"), shown as its default.
    public init<Value: Codable & Sendable>(
        _ keyPath: WritableKeyPath<Root, Value> & Sendable, key: String, flag: String? = nil, doc: String,
        expectation: String, unset: String = "none", valid: @escaping @Sendable (Value) -> Bool = { _ in true }
    ) {
        self.key = key
        self.flag = flag ?? key.replacingOccurrences(of: "_", with: "-")
        self.doc = doc
        self.expectation = expectation
        text = { Self.describe($0[keyPath: keyPath], unset: unset) }
        problem = { root in
            let value = root[keyPath: keyPath]
            return valid(value) ? nil : "expected \(expectation), got \(Self.describe(value))"
        }
        decode = { root, container in
            let codingKey = SettingKey(key)
            guard let value = try container.decodeIfPresent(Value.self, forKey: codingKey) else { return false }
            root[keyPath: keyPath] = value
            return true
        }
        assign = { root, value in
            guard let typed = value as? Value else { return false }
            root[keyPath: keyPath] = typed
            return true
        }
        encode = { root, container in
            let value = root[keyPath: keyPath]
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .optional, mirror.children.isEmpty { return }
            try container.encode(value, forKey: SettingKey(key))
        }
    }

    /// The same setting seen from a type that holds `Root` at `path` (a workflow's settings that
    /// embed a library configuration).
    public func lifted<Outer: Sendable>(_ path: WritableKeyPath<Outer, Root> & Sendable) -> Setting<Outer> {
        Setting<Outer>(
            key: key, flag: flag, doc: doc, expectation: expectation,
            text: { [text] in text($0[keyPath: path]) },
            problem: { [problem] in problem($0[keyPath: path]) },
            decode: { [decode] outer, container in try decode(&outer[keyPath: path], container) },
            assign: { [assign] outer, value in assign(&outer[keyPath: path], value) },
            encode: { [encode] outer, container in try encode(outer[keyPath: path], &container) })
    }

    private init(
        key: String, flag: String, doc: String, expectation: String, text: @escaping @Sendable (Root) -> String,
        problem: @escaping @Sendable (Root) -> String?,
        decode: @escaping @Sendable (inout Root, KeyedDecodingContainer<SettingKey>) throws -> Bool,
        assign: @escaping @Sendable (inout Root, Any) -> Bool,
        encode: @escaping @Sendable (Root, inout KeyedEncodingContainer<SettingKey>) throws -> Void
    ) {
        self.key = key
        self.flag = flag
        self.doc = doc
        self.expectation = expectation
        self.text = text
        self.problem = problem
        self.decode = decode
        self.assign = assign
        self.encode = encode
    }

    /// `0.05`, `adam`, `[hard, in-batch]`, `none` (for nil), `true`.
    static func describe(_ value: Any, unset: String = "none") -> String {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            return mirror.children.first.map { describe($0.value) } ?? unset
        }
        if let raw = value as? any RawRepresentable, let text = raw.rawValue as? String { return text }
        if let list = value as? [Any] { return "[" + list.map { describe($0) }.joined(separator: ", ") + "]" }
        return "\(value)"
    }
}

/// A setting's key as a `CodingKey`.
public struct SettingKey: CodingKey, Sendable {
    public let stringValue: String
    public var intValue: Int? { nil }
    public init(_ key: String) { stringValue = key }
    public init?(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { nil }
}

/// A settings type whose every setting is declared in ``settings``; `init()` holds the defaults.
public protocol DeclaredSettings: Sendable {
    init()
    static var settings: [Setting<Self>] { get }
}

extension DeclaredSettings {
    /// The declaration of `key`.
    /// - Precondition: `key` is declared (a programmer error otherwise).
    public static func setting(_ key: String) -> Setting<Self> {
        guard let found = settings.first(where: { $0.key == key || $0.flag == key }) else {
            preconditionFailure("\(Self.self) declares no setting \(key)")
        }
        return found
    }

    /// Every setting out of its range, with the reason, in declaration order.
    public func problems() -> [(setting: Setting<Self>, message: String)] {
        Self.settings.compactMap { setting in setting.problem(self).map { (setting, $0) } }
    }

    /// Reads every declared key present in `decoder`'s keyed container; absent keys keep their
    /// defaults. Range problems are not checked here (see ``problems()``), so a front end can
    /// report them with its own locations.
    public init(declaredFrom decoder: any Decoder) throws {
        self.init()
        let container = try decoder.container(keyedBy: SettingKey.self)
        for setting in Self.settings { _ = try setting.decode(&self, container) }
    }

    /// Writes every declared setting under its key (unset optionals are left out), in declaration order.
    public func encodeDeclared(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: SettingKey.self)
        for setting in Self.settings { try setting.encode(self, &container) }
    }

    /// Applies values by flag name (a CLI's parsed options): each `(flag, value)` pair whose flag
    /// is declared and whose value has the setting's type is stored, in declaration order.
    /// - Returns: the flags that matched no declaration or whose value had another type.
    @discardableResult
    public mutating func apply(flags values: [(flag: String, value: Any)]) -> [String] {
        var unmatched = Set(values.map(\.flag))
        for setting in Self.settings {
            for entry in values where entry.flag == setting.flag {
                if setting.assign(&self, entry.value) { unmatched.remove(entry.flag) }
            }
        }
        return values.map(\.flag).filter(unmatched.contains)
    }
}
