/// The kinds of work a stage can do.
public enum StageKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// Stage one: learn the map from texts embedded by both models, without labels.
    case align
    /// Stage two: adapt the stage-one map with a budget of labeled queries.
    case adapt
    /// Score baselines and maps on the evaluation queries.
    case evaluate
    /// Adapt at several label budgets, several seeds each; the budget curve.
    case sweep
    /// Write a map as an adapter file.
    case export
}

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

    public init(
        name: String, kind: StageKind, after: [String], options: StageOptions,
        dependencies: [String], location: SourceLocation
    ) {
        self.name = name
        self.kind = kind
        self.after = after
        self.options = options
        self.dependencies = dependencies
        self.location = location
    }

    /// `dependencies` is derived, not written: the encoded stage is valid pipeline YAML.
    enum CodingKeys: String, CodingKey {
        case name, kind, after, options
    }
}

/// A stage's options, typed by its kind.
public enum StageOptions: Sendable, Hashable, Encodable {
    case align(AlignOptions)
    case adapt(AdaptOptions)
    case evaluate(EvaluateOptions)
    case sweep(SweepOptions)
    case export(ExportOptions)

    public var kind: StageKind {
        switch self {
        case .align: .align
        case .adapt: .adapt
        case .evaluate: .evaluate
        case .sweep: .sweep
        case .export: .export
        }
    }

    /// Encodes the options themselves (the kind is a sibling key of the stage).
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .align(let options): try options.encode(to: encoder)
        case .adapt(let options): try options.encode(to: encoder)
        case .evaluate(let options): try options.encode(to: encoder)
        case .sweep(let options): try options.encode(to: encoder)
        case .export(let options): try options.encode(to: encoder)
        }
    }

    /// The stage names these options refer to (already defaulted during validation).
    public var stageReferences: [String] {
        switch self {
        case .align: []
        case .adapt(let options): [options.from]
        case .evaluate(let options): options.maps
        case .sweep(let options): [options.adapt]
        case .export(let options): [options.map]
        }
    }
}
