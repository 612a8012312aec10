import ArgumentParser
import Foundation
import Workflows

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
    @Option(
        help:
            "For a hybrid adapter: the index model's embeddings of the same queries, .npy [n, m], same row order as --in."
    )
    var indexQueries: String?
    @Flag(help: "Print nothing but errors.")
    var quiet = false
    @OptionGroup var overwrite: OverwriteOptions

    func run() throws {
        AtomicFile.removeTemporariesOnSignals()  // an interrupted write leaves no .tmp- file
        try overwrite.check(
            inputs: [.init("--adapter", adapter), .init("--in", input)]
                + (indexQueries.map { [.init("--index-queries", $0)] } ?? []),
            outputs: [.init("--out", output, .unmarked)])
        let loaded = try Adapter.load(URL(fileURLWithPath: adapter))
        var lastReported = 0
        do {
            try loaded.apply(
                inputFile: URL(fileURLWithPath: input), indexInputFile: indexQueries.map { URL(fileURLWithPath: $0) },
                outputFile: URL(fileURLWithPath: output)
            ) { done, total in
                guard !quiet, done == total || done - lastReported >= 262_144 else { return }
                lastReported = done
                FileHandle.standardError.write(Data("mapped \(done)/\(total) rows\n".utf8))
            }
        } catch AdapterInputError.missingIndexQueries {
            throw CommandError(
                "\(adapter) is a hybrid adapter (f = W x + V y + b): give the index model's embeddings of the same queries with --index-queries"
            )
        } catch AdapterInputError.unexpectedIndexQueries {
            throw CommandError(
                "--index-queries: \(adapter) maps the query model's vectors alone; the index model's vectors are only for hybrid adapters"
            )
        }
        if !quiet { print("wrote \(output): \(loaded.map.targetDimension)-d rows in the index's space") }
    }
}
