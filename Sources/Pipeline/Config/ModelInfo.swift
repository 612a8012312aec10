/// A model's name (free text, e.g. a Hugging Face id) and, if given, its embedding dimension,
/// which validation checks against every `.npy` file that model produced.
public struct ModelInfo: Sendable, Hashable, Encodable {
    public var name: String?
    public var dim: Int?
    /// `models.index.retired`: the model can no longer embed new queries (its API is switched off,
    /// or it is too slow to serve). Its query vectors, when the data has them, only score the index
    /// as it was (`index-as-is`): no map is trained on them or applied to them, and the verdict
    /// answers the upgrade question ("can I switch to the new model now?").
    public var retired = false

    enum CodingKeys: String, CodingKey {
        case name, dim, retired
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(name, forKey: .name)
        try container.encodeIfPresent(dim, forKey: .dim)
        // Written only when set, so the fingerprints of pipelines without it stay as they were.
        if retired { try container.encode(retired, forKey: .retired) }
    }
}
