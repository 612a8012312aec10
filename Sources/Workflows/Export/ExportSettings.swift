import AdapterFormat
import Settings

/// What an export writes, declared once for `era export`, the export stage and the docs.
public struct ExportSettings: DeclaredSettings, Hashable, Encodable {
    /// The formats written, each beside the others.
    public var formats: [ExportWorkflow.Format] = [.safetensors]
    /// Base name of the adapter file(s) in a pipeline's stage folder (`era export` names its
    /// output with `--out`).
    public var file = "adapter"

    public init() {}

    /// Longest name era turns into a file or folder. While a stage is replaced its folder is renamed
    /// `.replaced-<name>-xxxxxxxx` (name + 19 bytes): file systems allow 255 bytes per name, and
    /// 100 leaves room for every suffix era adds while staying readable in reports.
    public static let maxNameLength = 100

    /// A name era may turn into a file or folder (an export's file, a stage's folder): ASCII
    /// letters, digits, `-`, `_` and `.`, not starting with `.`, at most ``maxNameLength`` bytes.
    public static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= maxNameLength && name.first != "."
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }

    public static let settings: [Setting<ExportSettings>] = [
        Setting(
            \.formats, key: "formats", flag: "format",
            doc:
                "Adapter formats (an export stage writes each one listed; `era export` one per run, as --out names one output): safetensors (weight, bias, metadata), npy (weight and bias arrays), sentence-transformers (a Dense + Normalize module folder); see docs/formats.md and docs/serving.md.",
            expectation: "a list of " + ExportWorkflow.Format.allCases.map(\.rawValue).joined(separator: ", ")),
        Setting(
            \.file, key: "file",
            doc:
                "Base name of the adapter file(s) in the stage folder: `<file>.safetensors`, `<file>.weight.npy`, `<file>.bias.npy`, the folder `<file>-sentence-transformers/`.",
            expectation: "a plain file name (no directory)", valid: isPlainName),
    ]

    public func encode(to encoder: any Encoder) throws {
        try encodeDeclared(to: encoder)
    }
}
