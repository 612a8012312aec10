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
            return valid(value) && Self.withinIntegerLimit(value)
                ? nil : "expected \(Self.bounded(expectation, value)), got \(Self.describe(value))"
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
            guard let typed = value as? Value, !valid(typed) || !Self.withinIntegerLimit(typed) else { return nil }
            return "expected \(Self.bounded(expectation, typed)), got \(Self.describe(typed))"
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

    /// The largest integer any setting takes (2^31 - 1): far above every use (steps, epochs, batch
    /// sizes, pools), and small enough that the products era forms of two settings cannot overflow
    /// (an epoch count of Int.max trapped in the progress arithmetic).
    public static var integerLimit: Int { Int(Int32.max) }

    /// Whether every integer in `value` (an integer, an optional one, a list of them) is within
    /// ``integerLimit`` either way; true for other values.
    static func withinIntegerLimit(_ value: Any) -> Bool {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            return mirror.children.first.map { withinIntegerLimit($0.value) } ?? true
        }
        if let number = value as? Int { return number.magnitude <= UInt(integerLimit) }
        if let list = value as? [Any] { return list.allSatisfy(withinIntegerLimit) }
        return true
    }

    /// The expectation, with the integer limit when `value` (as written or stored) is beyond it.
    public static func bounded(_ expectation: String, _ value: Any) -> String {
        withinIntegerLimit(value) ? expectation : "\(expectation) and at most \(integerLimit)"
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
