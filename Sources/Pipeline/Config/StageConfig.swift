/// One stage of a pipeline, validated.
public struct StageConfig: Sendable, Hashable, Encodable {
    /// Unique within the pipeline; names the stage's folder in the run directory.
    public var name: String
    public var kind: StageKind
    /// The stages named in `after:` (default: the stage written just before, if any).
    public var after: [String]
    public var options: StageOptions
    /// Every stage this one needs, in pipeline order: `after:` plus the stages its options
    /// refer to (`adapt.from`, `evaluate.maps`, `sweep.adapt`, `export.map`).
    public var dependencies: [String]
    /// Where the stage was written (for messages).
    public var location: SourceLocation

    /// The stages whose outputs this one reads (`adapt.from`, `evaluate.maps`, `sweep.adapt`,
    /// `export.map`), in pipeline order. Unlike `dependencies` it leaves out `after:`, which only
    /// orders: a stage's fingerprint and its reruns follow these, so a change to the stage written
    /// before it does not redo work whose inputs did not change.
    public var inputStages: [String] {
        let used = Set(options.stageReferences)
        return dependencies.filter { used.contains($0) }
    }

    /// `dependencies` is derived, not written: the encoded stage is valid pipeline YAML.
    enum CodingKeys: String, CodingKey {
        case name, kind, after, options
    }
}
