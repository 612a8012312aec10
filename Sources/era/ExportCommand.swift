import ArgumentParser
import Foundation
import Workflows

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export an adapter as safetensors, as NumPy weight/bias files, or as a sentence-transformers module.",
        discussion: """
            safetensors (the default) holds `weight` (m x p, F32), `bias` (m, F32), for a hybrid \
            adapter also `weight_index` (m x m, F32), and string metadata; apply it in Python with:

              from safetensors.numpy import load_file; import numpy as np
              a = load_file("adapter.safetensors")
              mapped = q @ a["weight"].T + a["bias"]   # q: query model's vectors
              if "weight_index" in a:                  # hybrid: W q + V y + b
                  mapped += y @ a["weight_index"].T    # y: index model's, same queries
              mapped /= np.linalg.norm(mapped, axis=1, keepdims=True)

            --format npy writes OUT.weight.npy and OUT.bias.npy instead (np.load each), and for a \
            hybrid adapter OUT.weight_index.npy with OUT.README.txt saying how to apply it.

            --format sentence-transformers writes the folder OUT: a Dense module \
            (sentence_transformers.models.Dense.load(OUT)) with a Normalize module, modules.json, era.json \
            and a README on appending it to the query model or routing queries with Router. Hybrid \
            adapters (two input vectors) are refused: export them as safetensors or npy.
            """
    )

    @Option(help: "Adapter to export.")
    var adapter: String
    @Option(
        help:
            "Output path: a .safetensors file, for npy a prefix (OUT.weight.npy, OUT.bias.npy), for sentence-transformers a folder."
    )
    var out: String
    @Option(help: .setting(ExportSettings.self, "formats")) var format: [ExportWorkflow.Format] = []

    @OptionGroup var overwrite: OverwriteOptions

    /// The declared settings with `--format` (one format: `--out` names one output).
    func exportSettings() -> ExportSettings {
        var settings = ExportSettings()
        settings.apply(flags: format.last.map { [("format", [$0])] } ?? [])
        return settings
    }

    func validate() throws {
        // Repeated, the flag kept its last value without a word.
        if format.count > 1 {
            throw ValidationError(
                "--format: give one format (--out names one output), got "
                    + format.map(\.rawValue).joined(separator: " and ") + "; export once per format")
        }
    }

    func run() throws {
        AtomicFile.removeTemporariesOnSignals()  // an interrupted write leaves no .tmp- file
        let format = exportSettings().formats.first ?? .safetensors
        if format == .sentenceTransformers {
            let input = URL(fileURLWithPath: adapter)
            try SentenceTransformersExport.folderGuard(
                flag: "--out", path: out, inputs: [.init("--adapter", adapter)],
                forceFlag: OverwriteOptions.flag
            ).check()
            let loaded = try Adapter.load(input)
            try SentenceTransformersExport.checkExportable(
                loaded, path: input.path, otherFormats: "--format safetensors (or npy)")
            try ExportWorkflow.write(loaded, format: format, base: out)
            print("wrote the sentence-transformers module folder \(out) (see \(out)/README.md)")
            return
        }
        let loaded = try Adapter.load(URL(fileURLWithPath: adapter))
        let outputs: [OutputGuard.Output] =
            format == .safetensors
            ? [.init("--out", out, .eraAdapterOfStage(loaded.stage))]
            : ExportWorkflow.npyFiles(base: out, hybrid: loaded.isHybrid).map { .init("--out", $0.path, .unmarked) }
        let stale = format == .npy && !loaded.isHybrid ? ExportWorkflow.staleHybridFiles(base: out) : []
        if !stale.isEmpty, !overwrite.force {
            throw CommandError(
                "--out: \(stale.map(\.path).joined(separator: " and ")) from a hybrid export lie beside the plain map "
                    + "this would write, and code that finds weight_index would apply it; remove them, choose another "
                    + "--out, or add --force to remove them")
        }
        // The stale files are outputs too: the guard lets --force take regular files only (never a folder,
        // a link or an input that happens to have their names).
        try overwrite.check(
            inputs: [.init("--adapter", adapter)], outputs: outputs + stale.map { .init("--out", $0.path, .unmarked) })
        for url in stale { try FileManager.default.removeItem(at: url) }
        let files = try ExportWorkflow.write(loaded, format: format, base: out)
        print("wrote " + files.values.map(\.path).sorted().joined(separator: " and "))
    }
}

extension ExportWorkflow.Format: ExpressibleByArgument {}
