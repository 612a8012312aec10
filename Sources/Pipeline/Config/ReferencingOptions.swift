import Settings
import Workflows

/// Options of a kind that works on another stage's output, and the kind's declared settings, which
/// follow the stage's name in the written form: `kind: sweep` names the adapt stage it repeats
/// (`adapt`), `kind: export` the align or adapt stage whose map it writes (`map`).
public struct ReferencingOptions<Settings: DeclaredSettings & Sendable & Hashable>:
    Sendable, Hashable, Encodable, SettingsOptions
{
    /// The key the stage is named under.
    let key: String
    /// The stage named: the adapt stage a sweep repeats (default: the nearest adapt stage before it),
    /// the map an export writes (default: the nearest adapt stage before it, else the nearest align stage).
    public var stage: String
    public var settings = Settings()

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: SettingKey.self)
        try container.encode(stage, forKey: SettingKey(key))
        try settings.encodeDeclared(to: encoder)
    }
}

/// Options of `kind: sweep`: the adapt stage it repeats at each budget, and Workflows' `SweepSettings`.
public typealias SweepOptions = ReferencingOptions<SweepSettings>
/// Options of `kind: export`: the map it writes, and Workflows' `ExportSettings`.
public typealias ExportOptions = ReferencingOptions<ExportSettings>
