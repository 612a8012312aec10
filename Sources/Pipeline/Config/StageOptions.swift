/// A stage's options, typed by its kind.
public enum StageOptions: Sendable, Hashable, Encodable {
    case align(AlignOptions)
    case adapt(AdaptOptions)
    case evaluate(EvaluateOptions)
    case sweep(SweepOptions)
    case export(ExportOptions)

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
        case .sweep(let options): [options.stage]
        case .export(let options): [options.stage]
        }
    }
}
