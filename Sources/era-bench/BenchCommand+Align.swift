import Alignment
import ArgumentParser
import Benchmarks
import Foundation
import Settings
import Workflows

extension BenchCommand {
    struct AlignBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "align",
            abstract: "Time stage one (warm start and epochs) on synthetic pairs.",
            discussion: """
                Draws seeded unit sources and targets from a planted map plus noise, writes them to \
                scratch .npy files, memory-maps them back as `era align` reads a user's files, and runs \
                stage one: the Procrustes warm start, the epochs and the guardrail. Prints the warm-start \
                seconds, the mean epoch seconds, the total seconds and the peak RSS. The scratch files \
                are removed afterwards unless --keep-files is given (then their paths are printed, for \
                timing a peer on the same data; docs/benchmarks.md).
                """
        )

        @Option(help: "Number of pairs (texts embedded by both models).") var pairs: Int
        @Option(help: "Source (query model) dimension p.") var sourceDim: Int
        @Option(help: "Target (index model) dimension m.") var targetDim: Int
        @Option(help: "Training epochs after the warm start.") var epochs: Int = 2
        @Option(help: "InfoNCE negatives: \(choices(AlignmentConfiguration.Negatives.self)).")
        var negatives: String = AlignmentConfiguration().negatives.rawValue
        @Option(help: "Targets drawn per batch by pooled negatives.")
        var negativePool: Int = AlignmentConfiguration().negativePool
        // Optional so that the help shows the declared default once (the declaration writes it).
        @Option(
            help: ArgumentHelp(
                "\(AlignSettings.setting("whitening").doc) (default: \(AlignSettings.setting("whitening").text(AlignSettings())))"
            )) var whitening: Double?
        @Option(help: "Random seed (data and training).") var seed: UInt64 = 0
        @Option(help: "Directory for the scratch .npy files (default: the system temporary directory).")
        var scratchDirectory: String?
        @Flag(help: "Keep the scratch files and print their paths.") var keepFiles = false
        @Flag(help: "Print one JSON object.") var json = false
        @Flag(
            help:
                "Unpaired stage one: --pairs rows on each side, the target's rows shuffled (a planted orthonormal map of a clustered latent, plus noise); times the induction and reports the share of induced pairs that are the planted ones."
        )
        var unpaired = false

        func validate() throws {
            guard pairs > 0, sourceDim > 0, targetDim > 0 else {
                throw ValidationError("--pairs, --source-dim and --target-dim must be positive")
            }
            guard epochs >= 0 else { throw ValidationError("--epochs must be 0 or more") }
            guard AlignmentConfiguration.Negatives(rawValue: negatives) != nil else {
                throw ValidationError(
                    "--negatives must be \(choices(AlignmentConfiguration.Negatives.self)), not \(negatives)")
            }
            guard negativePool >= 1 else { throw ValidationError("--negative-pool must be 1 or more") }
            if let problem = AlignmentConfiguration.setting("whitening").problem(configuration) {
                throw ValidationError("--whitening: \(problem)")
            }
        }

        /// Stage one's configuration as the flags give it (`--negatives` as checked by `validate()`).
        var configuration: AlignmentConfiguration {
            var configuration = AlignmentConfiguration()
            configuration.epochs = epochs
            if let kind = AlignmentConfiguration.Negatives(rawValue: negatives) { configuration.negatives = kind }
            configuration.negativePool = negativePool
            if let whitening { configuration.procrustes.whitening = whitening }
            configuration.seed = seed
            return configuration
        }

        func run() throws {
            let configuration = configuration
            let directory =
                scratchDirectory.map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory
            if unpaired { return try runUnpaired(configuration: configuration, directory: directory) }
            let r: AlignBenchmarkResult
            do {
                r = try AlignBenchmark.run(
                    pairs: pairs, sourceDim: sourceDim, targetDim: targetDim, configuration: configuration,
                    scratchDirectory: directory, keepFiles: keepFiles)
            } catch let error as AlignmentError {
                throw BenchError("bench align: \(error.description)")
            } catch let error as AlignWorkflow.Failure {
                throw BenchError("bench align: \(error.description)")
            }
            print(try r.rendered(json: json))
        }
    }
}

extension BenchCommand.AlignBench {
    fileprivate func runUnpaired(configuration: AlignmentConfiguration, directory: URL) throws {
        let r: UnpairedAlignBenchmarkResult
        do {
            r = try AlignBenchmark.runUnpaired(
                rows: pairs, sourceDim: sourceDim, targetDim: targetDim, configuration: configuration,
                settings: UnpairedSettings(), scratchDirectory: directory,
                progress: { event in
                    if let line = AlignWorkflow.describe(event) {
                        FileHandle.standardError.write(Data((line + "\n").utf8))
                    }
                })
        } catch let error as AlignmentError {
            throw BenchError("bench align --unpaired: \(error.description)")
        } catch let error as AlignWorkflow.Failure {
            throw BenchError("bench align --unpaired: \(error.description)")
        }
        print(try r.rendered(json: json))
    }
}
