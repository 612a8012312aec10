import Foundation

/// The training presets of `configs/presets/`, compiled into era so a pipeline names them
/// (`extends: preset:align-default`) and runs from any folder, not only inside the clone.
/// `.ci/generate-presets` writes the texts from the files; a test ties the two.
package enum BuiltInPresets {
    /// How a config file names a built-in preset: `preset:NAME`.
    package static let prefix = "preset:"

    /// The names era knows, sorted (`align-default`, `adapt-default`, ...).
    package static var names: [String] { texts.keys.sorted() }

    /// The text of `NAME` (or of `NAME.yaml`), nil when era has no such preset.
    package static func text(named name: String) -> String? {
        texts[name.hasSuffix(".yaml") ? String(name.dropLast(5)) : name]
    }

    /// The preset a reference names, when it is `preset:NAME`; nil for a file path.
    static func name(in reference: String) -> String? {
        reference.hasPrefix(prefix) ? String(reference.dropFirst(prefix.count)) : nil
    }

    /// The base "directory" of a built-in preset's text: a preset's own `extends: adapt-default.yaml`
    /// names its sibling, which is built in too.
    static let baseDirectory = "<era built-in presets>"

    /// The built-in reference for a missing `…/presets/NAME.yaml` path, to offer in its message.
    static func replacement(forMissing path: String) -> String? {
        let file = (path as NSString).lastPathComponent
        let name = file.hasSuffix(".yaml") ? String(file.dropLast(5)) : file
        return texts[name] != nil ? prefix + name : nil
    }
}
