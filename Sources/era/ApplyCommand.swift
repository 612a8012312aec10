import Workflows
import Alignment
import EmbeddingIO
import ArgumentParser
import Foundation

struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Map a batch of query embeddings into the index's space with an adapter.",
        discussion: """
            Reads query-model vectors (.npy, n x p), writes normalize(W x + b) for each row \
            (.npy float32, n x m) ready to search the existing index. The input is memory-mapped \
            and processed in blocks, and the output appears only when complete.

            Example:
              era apply --adapter stage2.safetensors --in queries.npy --out mapped.npy
            """
    )

    @Option(help: "Adapter file (safetensors from `era align`, `era adapt` or `era run`).")
    var adapter: String
    @Option(name: .customLong("in"), help: "Query-model embeddings, .npy [n, p].")
    var input: String
    @Option(name: .customLong("out"), help: "Where to write the mapped embeddings, .npy float32 [n, m].")
    var output: String
    @Flag(help: "Print nothing but errors.")
    var quiet = false
    @OptionGroup var overwrite: OverwriteOptions

    func run() throws {
        AtomicFile.removeTemporariesOnSignals()  // an interrupted write leaves no .tmp- file
        try OutputGuard(inputs: [.init("--adapter", adapter), .init("--in", input)],
                        outputs: [.init("--out", output, .unmarked)], force: overwrite.force).check()
        let loaded = try Adapter.load(URL(fileURLWithPath: adapter))
        var lastReported = 0
        try loaded.apply(inputFile: URL(fileURLWithPath: input), outputFile: URL(fileURLWithPath: output)) { done, total in
            guard !quiet, done == total || done - lastReported >= 262_144 else { return }
            lastReported = done
            FileHandle.standardError.write(Data("mapped \(done)/\(total) rows\n".utf8))
        }
        if !quiet { print("wrote \(output): \(loaded.map.targetDimension)-d rows in the index's space") }
    }
}
