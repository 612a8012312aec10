/// The two embedding models: Q embeds queries, D built the index.
public struct ModelPair: Sendable, Hashable, Encodable {
    public var query: ModelInfo
    public var index: ModelInfo
}
