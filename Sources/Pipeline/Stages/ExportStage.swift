import AdapterFormat
import Foundation
import Workflows

/// `kind: export`: `ExportWorkflow` on the map of an align or adapt stage: `<file>.safetensors`
/// (era adapter: `weight`, `bias`, metadata incl. both model names and the pipeline) and/or
/// `<file>.weight.npy` + `<file>.bias.npy`, and/or the sentence-transformers module folder
/// `<file>-sentence-transformers/`.
public struct ExportStage: StageRunner {
    public init() {}

    public func run(stage: StageConfig, context: StageContext) throws -> StageOutput {
        guard case .export(let options) = stage.options else {
            throw PipelineRunError("ExportStage cannot run a \(stage.kind.rawValue) stage")
        }
        var adapter = try context.adapter(of: options.stage)
        adapter.extraMetadata["pipeline"] = context.config.name
        adapter.extraMetadata["pipeline_stage"] = options.stage
        var artifacts: [String: String] = [:]
        for format in options.formats {
            // A folder named like the adapter files would read as one of them: say what it is.
            let base = format == .sentenceTransformers ? options.file + "-sentence-transformers" : options.file
            let written = try ExportWorkflow.write(adapter, format: format, base: context.artifactURL(base).path)
            for (role, url) in written { artifacts[role] = url.lastPathComponent }
            context.log(
                "wrote \(format.rawValue) adapter of \(options.stage) (\(adapter.map.targetDimension) x \(adapter.map.sourceDimension))"
            )
        }
        return StageOutput(artifacts: artifacts)
    }
}
