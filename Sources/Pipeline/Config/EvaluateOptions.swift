import Settings
import Workflows

/// Options of `kind: evaluate`: the rows it scores, and Workflows' `EvaluateSettings`.
public struct EvaluateOptions: Sendable, Hashable, Encodable, SettingsOptions {
    public enum Baseline: String, Sendable, Hashable, CaseIterable, Codable {
        /// D's own query embeddings against the index (needs `data.queries.index_model_embeddings`).
        case indexAsIs = "index-as-is"
        /// Q's query embeddings against Q's document embeddings (needs `data.index.query_model_embeddings`).
        case reEmbedded = "re-embedded"
        /// Raw Procrustes map, no refinement (needs `data.alignment`).
        case procrustes
    }

    /// Stages whose maps are scored (default: every align and adapt stage before this one).
    public var maps: [String]
    /// Baselines scored beside them (default: every baseline the data allows).
    public var baselines: [Baseline]
    /// Row every other row is tested against (a stage or baseline name; default: the first map).
    public var compareTo: String?
    /// What is measured and tested (metrics, unseen, the paired tests, the verdict's margin and gate).
    public var settings = EvaluateSettings()

    /// The keys always written, in this order, before `compare_to`; the other settings follow only
    /// when they differ from the default, so that the fingerprints of pipelines that do not set
    /// them stay as they were.
    static let alwaysWritten = ["metrics", "unseen", "significance", "significance_trials", "confidence"]

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: SettingKey.self)
        try container.encode(maps, forKey: SettingKey("maps"))
        try container.encode(baselines, forKey: SettingKey("baselines"))
        for key in Self.alwaysWritten { try EvaluateSettings.setting(key).encode(settings, &container) }
        try container.encodeIfPresent(compareTo, forKey: SettingKey("compare_to"))
        let defaults = EvaluateSettings()
        for setting in EvaluateSettings.settings
        where !Self.alwaysWritten.contains(setting.key) && setting.text(settings) != setting.text(defaults) {
            try setting.encode(settings, &container)
        }
    }
}
