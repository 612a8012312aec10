import Workflows
import Alignment
import ArgumentParser
import EmbeddingIO
import Foundation

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export an adapter as safetensors or as NumPy weight/bias files.",
        discussion: """
            safetensors (the default) holds `weight` (m x p, F32), `bias` (m, F32) and string \
            metadata; load it in Python with:

              from safetensors.numpy import load_file; import numpy as np
              a = load_file("adapter.safetensors")
              mapped = q @ a["weight"].T + a["bias"]; mapped /= np.linalg.norm(mapped, axis=1, keepdims=True)

            --format npy writes OUT.weight.npy and OUT.bias.npy instead (np.load each).
            """
    )

    @Option(help: "Adapter to export.")
    var adapter: String
    @Option(help: "Output path: a .safetensors file, or for npy a prefix (OUT.weight.npy, OUT.bias.npy).")
    var out: String
    @Option(help: "safetensors or npy.")
    var format: ExportWorkflow.Format = .safetensors

    @OptionGroup var overwrite: OverwriteOptions

    func run() throws {
        AtomicFile.removeTemporariesOnSignals()  // an interrupted write leaves no .tmp- file
        let outputs: [OutputGuard.Output] = format == .safetensors ? [.init("--out", out, .eraAdapter)]
            : ExportWorkflow.npyFiles(base: out).map { .init("--out", $0.path, .unmarked) }
        try OutputGuard(inputs: [.init("--adapter", adapter)], outputs: outputs, force: overwrite.force).check()
        let files = try ExportWorkflow.write(try Adapter.load(URL(fileURLWithPath: adapter)), format: format, base: out)
        print("wrote " + files.values.map(\.path).sorted().joined(separator: " and "))
    }
}

extension ExportWorkflow.Format: ExpressibleByArgument {}
