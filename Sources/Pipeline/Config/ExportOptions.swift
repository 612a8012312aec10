import Settings
import Workflows

/// Options of `kind: export`: the map it writes, and Workflows' `ExportSettings`.
public struct ExportOptions: Sendable, Hashable, Encodable, SettingsOptions {
    public typealias Format = ExportWorkflow.Format

    /// The align or adapt stage whose map is exported (default: the nearest adapt stage before it,
    /// else the nearest align stage).
    public var map: String
    /// The formats and the file name.
    public var settings = ExportSettings()

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: SettingKey.self)
        try container.encode(map, forKey: SettingKey("map"))
        try settings.encodeDeclared(to: encoder)
    }
}
