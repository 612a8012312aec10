import Alignment
import ArgumentParser
import EmbeddingIO
import Foundation
import Workflows

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export an adapter as safetensors, as NumPy weight/bias files, or as a sentence-transformers module.",
        discussion: """
            safetensors (the default) holds `weight` (m x p, F32), `bias` (m, F32) and string \
            metadata; load it in Python with:

              from safetensors.numpy import load_file; import numpy as np
              a = load_file("adapter.safetensors")
              mapped = q @ a["weight"].T + a["bias"]; mapped /= np.linalg.norm(mapped, axis=1, keepdims=True)

            --format npy writes OUT.weight.npy and OUT.bias.npy instead (np.load each).

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
    @Option(help: "safetensors, npy or sentence-transformers.")
    var format: ExportWorkflow.Format = .safetensors

    @OptionGroup var overwrite: OverwriteOptions

    func run() throws {
        AtomicFile.removeTemporariesOnSignals()  // an interrupted write leaves no .tmp- file
        if format == .sentenceTransformers {
            let input = URL(fileURLWithPath: adapter)
            try SentenceTransformersExport.folderGuard(
                flag: "--out", path: out, inputs: [.init("--adapter", adapter)],
                force: overwrite.force
            ).check()
            try SentenceTransformersExport.checkExportable(adapterFile: input)
            try ExportWorkflow.write(try Adapter.load(input), format: format, base: out)
            print("wrote the sentence-transformers module folder \(out) (see \(out)/README.md)")
            return
        }
        let outputs: [OutputGuard.Output] =
            format == .safetensors
            ? [.init("--out", out, .eraAdapter)]
            : ExportWorkflow.npyFiles(base: out).map { .init("--out", $0.path, .unmarked) }
        try OutputGuard(inputs: [.init("--adapter", adapter)], outputs: outputs, force: overwrite.force).check()
        let files = try ExportWorkflow.write(try Adapter.load(URL(fileURLWithPath: adapter)), format: format, base: out)
        print("wrote " + files.values.map(\.path).sorted().joined(separator: " and "))
    }
}

extension ExportWorkflow.Format: ExpressibleByArgument {}
