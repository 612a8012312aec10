import Alignment
import Settings

/// Options of stage two (`kind: adapt`): the align stage to start from, and Alignment's
/// `AdaptSettings` under their declared keys.
public struct AdaptOptions: Sendable, Hashable, Encodable, SettingsOptions {
    /// The align stage whose map this stage starts from (default: the nearest align stage before it).
    public var from: String
    public var settings = AdaptSettings()
    /// Train a hybrid map on the index model's own queries too, when `data.queries.index_model_embeddings`
    /// is set (false: a map of the query model's vectors alone, for when the index model is gone at query time).
    public var hybrid = true
    /// Fit the adapter's score calibration on the labeled queries with `data.queries.index_model_embeddings`
    /// even when no map reads them (`hybrid: false`, or a retired index model): two numbers, a and b of
    /// a * score + b, fitted offline; the map and its inputs stay the query model's alone.
    public var calibrateWithIndexQueries = false

    /// The trainer's settings, seeded.
    public func settings(seed: UInt64) -> AdaptSettings {
        var s = settings
        s.seed = seed
        return s
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: SettingKey.self)
        try container.encode(from, forKey: SettingKey("from"))
        try container.encode(hybrid, forKey: SettingKey("hybrid"))
        // Written only when set, so that the stage's hash stays what it was for every existing pipeline.
        if calibrateWithIndexQueries {
            try container.encode(true, forKey: SettingKey("calibrate_with_index_queries"))
        }
        try settings.encodeDeclared(to: encoder)
    }
}
