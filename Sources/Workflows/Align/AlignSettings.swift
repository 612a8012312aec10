import Alignment
import Settings

/// Every setting of stage one as a use case: the trainer's (Alignment's `AlignmentConfiguration`), the
/// weight decay whose default follows the optimizer, and the size of the alignment sample.
@dynamicMemberLookup
public struct AlignSettings: DeclaredSettings, Hashable, Encodable {
    public var training = AlignmentConfiguration()
    /// Weight decay; nil: ERA's published 0.01 with AdamW, none with Adam.
    public var weightDecay: Double?
    /// Use this many common ids, drawn with the seed; nil uses all.
    public var samples: Int?
    /// Whether rows are paired by id (the same texts) or not (different texts, Alignment's `UnpairedAligner`).
    public var pairing: Pairing = .paired
    /// Unpaired alignment's own settings.
    public var unpaired = UnpairedSettings()
    /// Unpaired: seed the matching with this many common ids; nil: all of them (none without ids).
    public var anchors: Int?

    /// How the rows of the two alignment tables correspond.
    public enum Pairing: String, Codable, CaseIterable, Sendable, Hashable {
        /// The same texts on both sides, matched by id.
        case paired
        /// Different texts (or rows whose correspondence is unknown): pairs are induced from geometry.
        case unpaired
    }

    public init() {}

    /// The smallest sample: at the default 10% held out, 100 pairs give 10 held-out pairs to choose
    /// the epoch and report the held-out matching on; `samples: 2` trained from one pair and
    /// validated on one, with exit 0.
    public static let minSamples = 100

    public static let settings: [Setting<AlignSettings>] =
        AlignmentConfiguration.settings.map { $0.lifted(\AlignSettings.training) } + [
            Setting(
                \.weightDecay, key: "weight_decay",
                doc: "Weight decay (adamw: decoupled; adam: L2); default 0.01 with adamw, 0 with adam.",
                expectation: "a number >= 0", unset: "0.01 with adamw, 0 with adam",
                valid: { $0.map { $0.isFinite && $0 >= 0 } ?? true }),
            Setting(
                \.samples, key: "samples", flag: "sample",
                doc: "Use this many randomly drawn common ids (seeded) instead of all.",
                expectation:
                    "an integer >= \(minSamples) (fewer pairs leave under 10 held out to choose the epoch on, and fit the map from a handful of texts)",
                unset: "all pairs",
                valid: { $0.map { $0 >= minSamples } ?? true }),
            Setting(
                \.pairing, key: "pairing",
                doc:
                    "paired (the same texts on both sides, matched by id) or unpaired (any texts: pairs are induced from the two geometries, or refused).",
                expectation: choices(Pairing.self)),
            Setting(
                \.anchors, key: "anchors",
                doc: "Unpaired: seed the matching with this many ids common to both id lists (drawn with the seed).",
                expectation: "an integer >= 0", unset: "every common id (none without ids)",
                valid: { $0.map { $0 >= 0 } ?? true }),
        ] + UnpairedSettings.settings.map { $0.lifted(\AlignSettings.unpaired) }

    public subscript<T>(dynamicMember keyPath: WritableKeyPath<AlignmentConfiguration, T>) -> T {
        get { training[keyPath: keyPath] }
        set { training[keyPath: keyPath] = newValue }
    }

    /// The trainer's configuration, seeded.
    public func configuration(seed: UInt64) -> AlignmentConfiguration {
        var c = training
        c.weightDecay = weightDecay ?? AlignmentConfiguration.defaultWeightDecay(for: c.optimizer)
        c.seed = seed
        return c
    }

    public func encode(to encoder: any Encoder) throws {
        try encodeDeclared(to: encoder)
    }
}
