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
    /// Why a value as written (a parsed flag, a decoded key) is invalid, before it is stored; nil
    /// when valid or of another type. A computed setting may drop what it is given (the rank of a
    /// linear map), so ``problem`` on the stored value alone would let it pass unseen.
    public let writtenProblem: @Sendable (Any) -> String?
    /// The value written under `key`, decoded without storing it; nil when absent.
    public let written: @Sendable (KeyedDecodingContainer<SettingKey>) throws -> Any?

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
        self.flag = flag ?? String(key.map { $0 == "_" ? "-" : $0 })
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
        writtenProblem = { value in
            guard let typed = value as? Value, !valid(typed) else { return nil }
            return "expected \(expectation), got \(Self.describe(typed))"
        }
        written = { container in try container.decodeIfPresent(Value.self, forKey: SettingKey(key)) }
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
            encode: { [encode] outer, container in try encode(outer[keyPath: path], &container) },
            writtenProblem: writtenProblem, written: written)
    }

    private init(
        key: String, flag: String, doc: String, expectation: String, text: @escaping @Sendable (Root) -> String,
        problem: @escaping @Sendable (Root) -> String?,
        decode: @escaping @Sendable (inout Root, KeyedDecodingContainer<SettingKey>) throws -> Bool,
        assign: @escaping @Sendable (inout Root, Any) -> Bool,
        encode: @escaping @Sendable (Root, inout KeyedEncodingContainer<SettingKey>) throws -> Void,
        writtenProblem: @escaping @Sendable (Any) -> String?,
        written: @escaping @Sendable (KeyedDecodingContainer<SettingKey>) throws -> Any?
    ) {
        self.writtenProblem = writtenProblem
        self.written = written
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

    /// Every value as written (by flag, as ``apply(flags:)`` takes them) that is out of its declared
    /// range, in the order given: also those the type does not keep (``Setting/writtenProblem``).
    public static func problems(written values: [(flag: String, value: Any)]) -> [(
        setting: Setting<Self>, message: String
    )] {
        values.compactMap { entry in
            settings.first { $0.flag == entry.flag }.flatMap { setting in
                setting.writtenProblem(entry.value).map { (setting, $0) }
            }
        }
    }

    /// The keys written in `decoder`'s keyed container whose values are out of their declared range,
    /// read without storing them (values of another type are skipped: decoding reports those).
    public static func problems(writtenIn decoder: any Decoder) -> [(setting: Setting<Self>, message: String)] {
        guard let container = try? decoder.container(keyedBy: SettingKey.self) else { return [] }
        return settings.compactMap { setting in
            guard let value = try? setting.written(container) else { return nil }
            return setting.writtenProblem(value).map { (setting, $0) }
        }
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
        try encodeDeclared(into: &container)
    }

    /// Writes every declared setting into `container`, beside what else it holds (a record's seed).
    public func encodeDeclared(into container: inout KeyedEncodingContainer<SettingKey>) throws {
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

/// "one of a, b, c" for an enum's raw values.
public func choices<E: CaseIterable & RawRepresentable>(_: E.Type) -> String where E.RawValue == String {
    "one of " + E.allCases.map(\.rawValue).joined(separator: ", ")
}
