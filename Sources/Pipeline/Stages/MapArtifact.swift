import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra

/// The map artifact of align and adapt stages: a safetensors adapter (DESIGN "Formats"):
/// `weight` (m x p, F32), `bias` (m, F32) and string metadata (both model names, dims, map family,
/// stage, config hash, era version). Loadable in Python with `safetensors.numpy.load_file`;
/// applying it is `normalize(x @ weight.T + bias)`.
enum MapArtifact {
    /// The artifact role under which align and adapt stages list their map.
    static let role = "map"
    static let fileName = "map.safetensors"

    struct Metadata {
        var stage: String
        var queryModel: String?
        var indexModel: String?
        var configHash: String?
        var eraVersion: String

        func dictionary(for map: AffineMap<Float>) -> [String: String] {
            var out = [
                "format": "era-adapter", "stage": stage, "family": map.family.rawValue,
                "source_dim": "\(map.sourceDimension)", "target_dim": "\(map.targetDimension)",
                "era_version": eraVersion,
            ]
            if let queryModel { out["query_model"] = queryModel }
            if let indexModel { out["index_model"] = indexModel }
            if let configHash { out["config_hash"] = configHash }
            return out
        }
    }

    /// Writes `map` atomically to `url`.
    static func write(_ map: AffineMap<Float>, metadata: Metadata, to url: URL) throws {
        let file = SafetensorsFile(tensors: ["weight": .init(map.weight), "bias": .init(vector: map.bias)],
                                   metadata: metadata.dictionary(for: map))
        try file.write(to: url)
    }

    /// Reads a map written by `write` (or any safetensors file with `weight` m x p and `bias` m).
    static func read(_ url: URL) throws -> AffineMap<Float> {
        let file = try Safetensors.read(url)
        let weight = try file.matrix("weight")
        let bias = try file.vector("bias")
        let family = file.metadata["family"].flatMap(MapFamily.init(rawValue:)) ?? .linear
        do {
            return try AffineMap(weight: weight, bias: bias, family: family)
        } catch {
            throw PipelineRunError("\(url.path): not a valid map: \(error)")
        }
    }

    /// The map of a completed align or adapt stage.
    static func read(from stage: CompletedStage) throws -> AffineMap<Float> {
        guard let url = stage.artifact(role) else {
            throw PipelineRunError("stage \(stage.name) (\(stage.kind.rawValue)) did not produce a map")
        }
        return try read(url)
    }
}
