import Alignment
import EmbeddingIO
import ArgumentParser
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

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case safetensors
        case npy
    }

    @Option(help: "Adapter to export.")
    var adapter: String
    @Option(help: "Output path: a .safetensors file, or for npy a prefix (OUT.weight.npy, OUT.bias.npy).")
    var out: String
    @Option(help: "safetensors or npy.")
    var format: Format = .safetensors
    @Flag(help: "Replace an existing output era did not write, or a read-only one (never an input or a special file).")
    var force = false

    func run() throws {
        let prefix = out.hasSuffix(".npy") ? String(out.dropLast(4)) : out
        let outputs: [OutputGuard.Output] = format == .safetensors ? [.init("--out", out, .eraAdapter)]
            : [.init("--out", prefix + ".weight.npy", .unmarked), .init("--out", prefix + ".bias.npy", .unmarked)]
        try OutputGuard(inputs: [.init("--adapter", adapter)], outputs: outputs, force: force).check()
        let loaded = try Adapter.load(URL(fileURLWithPath: adapter))
        switch format {
        case .safetensors:
            try loaded.save(to: URL(fileURLWithPath: out))
            print("wrote \(out)")
        case .npy:
            try loaded.exportNumPy(weight: URL(fileURLWithPath: prefix + ".weight.npy"),
                                   bias: URL(fileURLWithPath: prefix + ".bias.npy"))
            print("wrote \(prefix).weight.npy and \(prefix).bias.npy")
        }
    }
}
