import AdapterFormat
import Alignment
import Foundation
import Workflows

/// The map artifact of align and adapt stages: an era adapter (Alignment's `Adapter`, safetensors
/// with `weight` m x p, `bias` m and metadata), listed under the role `map`.
enum MapArtifact {
    static let role = "map"
    static let fileName = "adapter.safetensors"

    /// The adapter of a completed align or adapt stage.
    static func adapter(of stage: CompletedStage) throws -> Adapter {
        guard let url = stage.artifact(role) else {
            throw PipelineRunError("stage \(stage.name) (\(stage.kind.rawValue)) did not produce a map")
        }
        return try Adapter.load(url)
    }

    /// The model names written into adapters: the configured names, else generic ones.
    static func modelNames(_ config: PipelineConfig) -> (query: String, index: String) {
        (config.models.query.name ?? "query-model", config.models.index.name ?? "index-model")
    }
}
