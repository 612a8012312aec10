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
