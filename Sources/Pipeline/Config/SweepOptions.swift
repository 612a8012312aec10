import Alignment
import Settings
import Workflows

/// Options of `kind: sweep`: the adapt stage it repeats, and Workflows' `SweepSettings`.
public struct SweepOptions: Sendable, Hashable, Encodable, SettingsOptions {
    /// The adapt stage whose options are repeated at each budget (default: the nearest adapt stage before it).
    public var adapt: String
    public var settings = SweepSettings()

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: SettingKey.self)
        try container.encode(adapt, forKey: SettingKey("adapt"))
        try settings.encodeDeclared(to: encoder)
    }
}
