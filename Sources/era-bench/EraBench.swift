import AdapterFormat
import ArgumentParser
import Foundation
import Workflows

/// `era-bench`: the benchmarks of docs/benchmarks.md, kept apart from `era` and from the library
/// products (module Benchmarks). Build with `-c release` before timing anything.
@main
struct EraBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "era-bench",
        abstract: "Benchmarks of era's use cases on synthetic data (build with -c release before timing anything).",
        version: EraVersion.current,
        subcommands: [BenchCommand.SearchBench.self, BenchCommand.AlignBench.self, BenchCommand.AdaptBench.self]
    )

    static func main() {
        // First: a restart replaces the process, so nothing done before it would count.
        BLASKernelRestart.restartIfOpenBLASMisdetectedTheCPU()
        main(nil)
    }
}

/// A failure the user can act on, printed as `Error: <message>` with a non-zero exit.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
