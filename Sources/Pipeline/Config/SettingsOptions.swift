import Settings

/// Options that hold a declared settings type, whose settings read as the options' own members
/// (`options.epochs`), as the stages and checks use them.
@dynamicMemberLookup
public protocol SettingsOptions {
    associatedtype Settings: DeclaredSettings
    var settings: Settings { get set }
}

extension SettingsOptions {
    public subscript<T>(dynamicMember keyPath: WritableKeyPath<Settings, T>) -> T {
        get { settings[keyPath: keyPath] }
        set { settings[keyPath: keyPath] = newValue }
    }
}
