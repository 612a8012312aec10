import Alignment
import Foundation
import Settings
import Workflows

/// The `era align` / `era adapt` command that computes the same map as a pipeline stage: the same
/// files, every option that differs from the command's default, and the stage's own seed (derived
/// from the pipeline seed and the stage name, see `StageFingerprint`). Written into the stage's
/// log, so a figure of a run can be reproduced, or varied, from the command line.
package enum StageCommandLine {
    /// The command for `stage`, or nil when no single command reproduces it (a sweep, an evaluation,
    /// a store the command line cannot name, alignment rows matched by position). A store is named
    /// by its ``IndexStoreConfig/commandLineLocation`` (a pgvector table by its `postgresql://` location).
    /// - Parameters:
    ///   - stage: the align or adapt stage.
    ///   - config: the pipeline, whose data files the command names.
    ///   - seed: the stage's seed (``StageContext/seed``).
    ///   - stageOneAdapter: for an adapt stage, the adapter file of the align stage it starts from.
    ///   - out: the adapter file the command writes.
    package static func line(
        for stage: StageConfig, config: PipelineConfig, seed: UInt64, stageOneAdapter: URL?, out: String
    ) -> String? {
        var words: [String]
        switch stage.options {
        case .align(let options):
            guard let alignment = config.data.alignment, let ids = alignment.ids else { return nil }
            if let target = alignment.indexModel {
                words = [
                    "era", "align", "--source", alignment.queryModel.path, "--source-ids", ids.path,
                    "--target", target.path, "--target-ids", ids.path,
                ]
            } else if let store = storeLocation(config) {
                // The sampled texts' rows fetched by id from the store, as the stage fetched them.
                words = [
                    "era", "align", "--source", alignment.queryModel.path, "--source-ids", ids.path, "--target", store,
                ]
            } else {
                return nil
            }
            words += modelNames(config)
            words += flags(options, default: AlignSettings())
        case .adapt(let options):
            guard let queries = config.data.queries, let qrels = config.data.qrels.labeled, let stageOneAdapter
            else { return nil }
            let corpus: [String]
            if let embeddings = config.data.index?.embeddings, let ids = config.data.index?.ids {
                corpus = ["--corpus", embeddings.path, "--corpus-ids", ids.path]
            } else if let store = storeLocation(config) {
                corpus = ["--corpus", store]
            } else {
                return nil
            }
            words = [
                "era", "adapt", "--adapter", stageOneAdapter.path, "--queries", queries.embeddings.path,
                "--query-ids", queries.ids.path,
            ]
            if options.hybrid, let indexQueries = queries.indexModelEmbeddings {
                words += ["--index-queries", indexQueries.path]
            } else if options.calibrateWithIndexQueries, let indexQueries = queries.indexModelEmbeddings {
                // For the calibration only: on the command line that is a retired model's queries.
                words += [
                    "--index-queries", indexQueries.path, "--retired-index-model", "--calibrate-with-index-queries",
                ]
            }
            words += corpus + ["--qrels", qrels.path]
            words += flags(options.settings, default: AdaptSettings())
        default:
            return nil
        }
        words += ["--seed", String(seed), "--out", out]
        return words.map(quoted).joined(separator: " ")
    }

    /// The location of the index's store as `--target` / `--corpus` take it, if it has one.
    private static func storeLocation(_ config: PipelineConfig) -> String? {
        config.data.index?.store?.commandLineLocation
    }

    /// The log's line for `line`: what it is, and where its seed comes from.
    package static func logLine(_ line: String, context: StageContext) -> String {
        "the same map from the command line (seed \(context.seed): derived from seed \(context.config.seed) "
            + "and the stage name): \(line)"
    }

    /// `--source-model` and `--target-model` when the pipeline names its models (the adapter's metadata).
    private static func modelNames(_ config: PipelineConfig) -> [String] {
        let names = MapArtifact.modelNames(config)
        return ["--source-model", names.query, "--target-model", names.index]
    }

    /// `--flag value` for every declared setting whose value differs from `default`'s: booleans as
    /// `--flag` / `--no-flag`, lists comma-separated.
    static func flags<Root: DeclaredSettings>(_ settings: Root, default: Root) -> [String] {
        var words: [String] = []
        for setting in Root.settings {
            let value = setting.text(settings)
            guard value != setting.text(`default`) else { continue }
            switch value {
            case "true": words.append("--\(setting.flag)")
            case "false": words.append("--no-\(setting.flag)")
            default:
                let list = value.hasPrefix("[") && value.hasSuffix("]")
                let text = list ? value.dropFirst().dropLast().replacingOccurrences(of: ", ", with: ",") : value
                words += ["--\(setting.flag)", text]
            }
        }
        return words
    }

    /// A word as a POSIX shell reads it back: single-quoted unless it is plain.
    static func quoted(_ word: String) -> String {
        let plain = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_./:=,@+%"))
        if !word.isEmpty, word.unicodeScalars.allSatisfy(plain.contains) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
