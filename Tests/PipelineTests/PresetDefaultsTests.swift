import Alignment
import ConfigDecoding
import Settings
import Testing
import Workflows

@testable import Pipeline

/// A built-in preset writes only what differs from the declared defaults (each setting's default is
/// the value in its settings type's `init()`, declared once): a restated default reads like a choice,
/// and would silently part from the default the day the declaration changes.
@Suite("presets write only what differs from the defaults")
struct PresetDefaultsTests {
    /// One preset as written: its stage kind (its own or its parent's), its own `options:`, and the
    /// options that lie beneath them (the parent preset's, resolved; empty for a preset extending none).
    struct Preset {
        var kind: String?
        var own: ConfigNode
        var beneath: ConfigNode
    }

    @Test(arguments: BuiltInPresets.names)
    func everyOptionDiffersFromWhatLiesBeneathIt(_ name: String) throws {
        let preset = try Self.preset(name)
        let kind = try #require(preset.kind, "preset \(name) names no kind, and neither does a parent")
        for entry in preset.own.entries ?? [] {
            let restated: Bool
            switch kind {
            case StageKind.align.rawValue:
                restated = try Self.restates(AlignSettings.self, entry, beneath: preset.beneath)
            case StageKind.adapt.rawValue:
                restated = try Self.restates(AdaptSettings.self, entry, beneath: preset.beneath)
            default:
                Issue.record("preset \(name) is a \(kind) stage: this test reads align and adapt presets only")
                return
            }
            let beneath = preset.beneath.entries?.isEmpty ?? true ? "the declared default" : "its parent's value"
            #expect(
                !restated,
                "configs/presets/\(name).yaml restates \(beneath) in options.\(entry.key): remove it (then run .ci/generate-presets)"
            )
        }
    }

    /// The check itself: a default written again is caught, another value is not, and a list setting
    /// (whose setter derives other fields) is compared by what it resolves to.
    @Test func theCheckTellsARestatedDefaultFromAChoice() throws {
        let empty = try Self.options("{}")
        #expect(try Self.restates(AlignSettings.self, Self.entry("temperature: 0.05"), beneath: empty))
        #expect(try !Self.restates(AlignSettings.self, Self.entry("temperature: 0.1"), beneath: empty))
        #expect(try Self.restates(AdaptSettings.self, Self.entry("negatives: [hard, in-batch]"), beneath: empty))
        #expect(try !Self.restates(AdaptSettings.self, Self.entry("negatives: [hard]"), beneath: empty))
        // Beneath a parent, the parent's value is what a key restates.
        let rotation = try Self.options("map: rotation")
        #expect(try Self.restates(AdaptSettings.self, Self.entry("map: rotation"), beneath: rotation))
        #expect(try !Self.restates(AdaptSettings.self, Self.entry("map: linear"), beneath: rotation))
        // An unset default is not restated by the value it stands for: AdamW's 0.01 written stays 0.01
        // when a stage switches the optimizer, where the unset default would follow it.
        #expect(try !Self.restates(AlignSettings.self, Self.entry("weight_decay: 0.01"), beneath: empty))
    }

    /// The presets that write no options resolve to the declared defaults in a stage.
    @Test func theDefaultPresetsResolveToTheDeclaredDefaults() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        try fixture.write(
            "p.yaml",
            PipelineFixture.dataSection + """

                stages:
                  - name: align
                    extends: preset:align-default
                  - name: adapt
                    extends: preset:adapt-default
                """)
        let config = try fixture.load("p.yaml")
        guard case .align(let align) = config.stages[0].options, case .adapt(let adapt) = config.stages[1].options
        else {
            Issue.record("the presets gave other kinds: \(config.stages.map(\.kind))")
            return
        }
        #expect(align == AlignSettings())
        #expect(adapt.settings == AdaptSettings())
    }

    // MARK: - Helpers

    /// Whether `entry`, written on top of `beneath`, leaves the settings `beneath` decodes to unchanged.
    static func restates<T: DeclaredSettings & Equatable>(
        _: T.Type, _ entry: ConfigNode.Entry, beneath: ConfigNode
    ) throws -> Bool {
        #expect(
            T.settings.contains { $0.key == entry.key },
            "\(entry.key) is not a declared setting of \(T.self): this test cannot tell whether it restates a default")
        var over = beneath
        over.value = .mapping([entry])
        return try decoded(T.self, ConfigLoader.merge(beneath, over)) == decoded(T.self, beneath)
    }

    static func decoded<T: DeclaredSettings>(_: T.Type, _ options: ConfigNode) throws -> T {
        let log = ProblemLog()
        let settings = try T(
            declaredFrom: ConfigNodeDecoder(node: options, path: "options", log: log, requested: .init()))
        #expect(log.problems.isEmpty, "\(log.problems.map(\.description))")
        return settings
    }

    /// The built-in preset `name` (`adapt-default` or `adapt-default.yaml`), its parents resolved.
    static func preset(_ name: String) throws -> Preset {
        let text = try #require(BuiltInPresets.text(named: name), "era has no built-in preset \(name)")
        let node = try ConfigNode.parse(
            yaml: text, file: BuiltInPresets.prefix + name, baseDirectory: BuiltInPresets.baseDirectory)
        let empty = ConfigNode(value: .mapping([]), location: node.location, baseDirectory: node.baseDirectory)
        var preset = Preset(kind: string(node["kind"]), own: node["options"] ?? empty, beneath: empty)
        if let parentName = string(node["extends"]) {
            let parent = try Self.preset(parentName)
            preset.kind = preset.kind ?? parent.kind
            preset.beneath = ConfigLoader.merge(parent.beneath, parent.own)
        }
        return preset
    }

    static func string(_ node: ConfigNode?) -> String? {
        if case .scalar(.string(let text), _)? = node?.value { return text }
        return nil
    }

    static func options(_ yaml: String) throws -> ConfigNode {
        try ConfigNode.parse(yaml: yaml, file: "test", baseDirectory: "/")
    }

    static func entry(_ yaml: String) throws -> ConfigNode.Entry {
        try #require(try options(yaml).entries?.first)
    }
}
