import EmbeddingIO
import Foundation
import Workflows

/// Fingerprints decide which stages can be skipped.
///
/// fingerprint(stage) = SHA-256 of the canonical JSON of: era's version, the pipeline seed and
/// models, the stage's name, kind and resolved options, the content hashes of the data files
/// its kind reads, and the fingerprints of the stages whose outputs it reads
/// (`StageConfig.inputStages`, not `after:`). So a changed option or input re-runs the stage and,
/// through those fingerprints, every stage that uses its results, and no other; a renamed or
/// moved data file with the same content does not.
enum StageFingerprint {
    /// The data files a stage of this kind reads, by key path.
    static func inputs(of stage: StageConfig, data: DataConfig) -> [(keyPath: String, file: DataFile)] {
        let keyPaths: Set<String>
        switch stage.options {
        case .align:
            keyPaths = ["data.alignment.query_model", "data.alignment.index_model", "data.alignment.ids"]
        case .adapt:
            // The index model's query vectors whenever set: a hybrid map trains on them, the balanced
            // choice scores the index as it is with them, and a calibration may fit on them (a rerun
            // after that file was fixed kept the adapter trained on the broken one).
            keyPaths = [
                "data.queries.embeddings", "data.queries.ids", "data.index.embeddings", "data.index.ids",
                "data.qrels.labeled", "data.queries.index_model_embeddings",
            ]
        case .evaluate(let options):
            var paths: Set<String> = [
                "data.queries.embeddings", "data.queries.ids", "data.index.embeddings",
                "data.index.ids", "data.qrels.evaluation", "data.qrels.labeled",
                // Read by index-as-is, by every hybrid map evaluated and by the row-order check.
                "data.queries.index_model_embeddings",
            ]
            if options.baselines.contains(.reEmbedded) { paths.insert("data.index.query_model_embeddings") }
            if options.baselines.contains(.procrustes) {
                paths.formUnion(["data.alignment.query_model", "data.alignment.index_model", "data.alignment.ids"])
            }
            keyPaths = paths
        case .sweep:
            keyPaths = [
                "data.queries.embeddings", "data.queries.ids", "data.index.embeddings", "data.index.ids",
                "data.qrels.labeled", "data.qrels.evaluation", "data.queries.index_model_embeddings",
            ]
        case .export:
            keyPaths = []
        }
        return data.files.filter { keyPaths.contains($0.keyPath) }
    }

    /// Whether a stage reads the index (`data.index`): align does when its index-model side is
    /// the store (a Chroma collection, a pgvector table; no `data.alignment.index_model`).
    static func readsIndex(_ stage: StageConfig, data: DataConfig) -> Bool {
        switch stage.options {
        case .adapt, .evaluate, .sweep: true
        case .align: data.index?.isStore == true && data.alignment?.indexModel == nil
        case .export: false
        }
    }

    private struct Material: Encodable {
        var eraVersion: String
        var seed: Int
        var models: ModelPair
        var name: String
        var kind: StageKind
        var options: StageOptions
        var inputs: [String: String]
        var dependencies: [String: String]

        enum CodingKeys: String, CodingKey {
            case eraVersion = "era_version", seed, models, name, kind, options, inputs, dependencies
        }
    }

    /// - Parameters:
    ///   - inputHashes: SHA-256 of each data file, by absolute path.
    ///   - dependencyFingerprints: fingerprints of the stage's dependencies, by name.
    static func compute(
        stage: StageConfig, config: PipelineConfig, eraVersion: String,
        inputHashes: [String: String], dependencyFingerprints: [String: String]
    ) throws -> String {
        var inputs: [String: String] = [:]
        for (keyPath, file) in Self.inputs(of: stage, data: config.data) {
            inputs[keyPath] = inputHashes[file.path] ?? "missing"
        }
        if let store = config.data.index?.store, readsIndex(stage, data: config.data) {
            inputs[type(of: store).keyPath] = store.fingerprintInput(
                hashes: inputHashes, evaluates: stage.kind == .evaluate)
        }
        let material = Material(
            eraVersion: eraVersion, seed: config.seed, models: config.models, name: stage.name,
            kind: stage.kind, options: stage.options, inputs: inputs,
            dependencies: dependencyFingerprints)
        return SHA256.hex(String(decoding: try CanonicalJSON.encode(material), as: UTF8.self))
    }

    /// A stage's own seed: the first 8 bytes of SHA-256("<pipeline seed>/<stage name>").
    static func seed(pipelineSeed: Int, stage: String) -> UInt64 {
        var hasher = SHA256()
        hasher.update("\(pipelineSeed)/\(stage)")
        return hasher.finalize().prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }
}
