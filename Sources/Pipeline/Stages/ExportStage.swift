import Workflows
import Alignment
import EmbeddingIO
import Foundation

/// `kind: export`: writes the map of an align or adapt stage as the pipeline's adapter:
/// `<file>.safetensors` (era adapter: `weight`, `bias`, metadata incl. both model names and the
/// pipeline) and/or `<file>.weight.npy` + `<file>.bias.npy`. In Python:
///
///     from safetensors.numpy import load_file
///     t = load_file("adapter.safetensors"); q = x @ t["weight"].T + t["bias"]
///     q /= np.linalg.norm(q, axis=-1, keepdims=True)
public struct ExportStage: StageRunner {
    public init() {}

    public func run(stage: StageConfig, context: StageContext) throws -> StageOutput {
        guard case .export(let options) = stage.options else {
            throw PipelineRunError("ExportStage cannot run a \(stage.kind.rawValue) stage")
        }
        guard let source = context.dependencies[options.map] else {
            throw PipelineRunError("the map of stage \(options.map) is not available")
        }
        var adapter = try MapArtifact.adapter(of: source)
        adapter.extraMetadata["pipeline"] = context.config.name
        adapter.extraMetadata["pipeline_stage"] = source.name
        var artifacts: [String: String] = [:]
        for format in options.formats {
            switch format {
            case .safetensors:
                let name = "\(options.file).safetensors"
                try adapter.save(to: context.artifactURL(name))
                artifacts["adapter"] = name
            case .npy:
                let weight = "\(options.file).weight.npy", bias = "\(options.file).bias.npy"
                try Npy.write(adapter.map.weight, to: context.artifactURL(weight))
                try Npy.writeVector(adapter.map.bias, to: context.artifactURL(bias))
                artifacts["weight_npy"] = weight
                artifacts["bias_npy"] = bias
            }
            context.log("wrote \(format.rawValue) adapter of \(source.name) (\(adapter.map.targetDimension) x \(adapter.map.sourceDimension))")
        }
        return StageOutput(artifacts: artifacts)
    }
}
