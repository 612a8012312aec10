import AdapterFormat
import Foundation
import Workflows

extension AdaptStage {
    /// The pipeline's stage-two request: `data`'s files and index, the stage-one adapter, and the
    /// index model's queries (which a map reads only with `hybrid` and an index model not retired).
    /// The files were checked when the pipeline loaded them.
    static func request(_ context: StageContext, stageOne: Adapter, from: String, hybrid: Bool) throws -> AdaptRequest {
        let data = context.config.data, inputs = StageInputs(context: context)
        var request = AdaptRequest(
            stageOne: stageOne, stageOneName: "the map of stage \(from)",
            queries: try inputs.path(\.queries?.embeddings, AdaptRequest.Role.queries),
            queryIds: try inputs.path(\.queries?.ids, AdaptRequest.Role.queryIds),
            index: try StageInputs.indexSource(data),
            labels: try inputs.path(\.qrels.labeled, AdaptRequest.Role.labels), files: inputs.files)
        request.indexQueries = data.queries?.indexModelEmbeddings?.path
        request.hybrid = hybrid
        request.indexModelRetired = context.config.models.index.retired
        request.checkInputs = false
        return request
    }

    /// Reads and checks the request's inputs (for `kind: sweep`), logging as the adapt stage does.
    static func prepared(_ request: AdaptRequest, context: StageContext) throws -> AdaptRequest.Prepared {
        do {
            return try request.prepare(progress: { context.record(request.report($0)) }, warn: warning(context))
        } catch { throw error.pipelineError(context.config.data) }
    }

    /// A warning about an input, after its key path.
    static func warning(_ context: StageContext) -> (AdaptRequest.Role, String) -> Void {
        { role, message in context.log("warning: \(role.keyPath(in: context.config.data)): \(message)") }
    }
}
