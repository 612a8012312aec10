import Foundation
import Workflows

extension AlignStage {
    /// The pipeline's stage-one request: `data.alignment`'s files (one id list naming the rows of
    /// both), or without `index_model` the records of the index's store. The files were checked
    /// when the pipeline loaded them.
    static func request(_ settings: AlignSettings, seed: UInt64, context: StageContext) throws -> AlignRequest {
        let data = context.config.data, names = MapArtifact.modelNames(context.config)
        guard let source = data.alignment?.queryModel else {
            throw PipelineRunError("data.alignment.query_model is not set in the pipeline")
        }
        var request = AlignRequest(
            source: source.path, sourceIds: data.alignment?.ids?.path, target: try target(data), settings: settings,
            seed: seed, sourceModel: names.query, targetModel: names.index, files: context.shared.files)
        request.sharedIds = true
        request.checkInputs = false
        return request
    }

    /// The index model's side: `data.alignment.index_model`, else the records of the index's store.
    private static func target(_ data: DataConfig) throws -> IndexSource {
        if let indexModel = data.alignment?.indexModel { return .files(embeddings: indexModel.path, ids: nil) }
        guard data.index?.isStore == true else {
            throw PipelineRunError("data.alignment.index_model is not set in the pipeline")
        }
        return try StageInputs.indexSource(data)
    }
}
