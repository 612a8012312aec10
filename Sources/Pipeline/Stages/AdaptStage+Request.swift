import AdapterFormat
import Alignment
import EmbeddingIO
import Foundation
import Workflows

extension AdaptStage {
    /// The pipeline's stage-two request: `data`'s files and index, the stage-one adapter, and the
    /// index model's queries (which a map reads only with `hybrid` and an index model not retired).
    /// The files were checked when the pipeline loaded them.
    static func request(_ context: StageContext, stageOne: Adapter, from: String, hybrid: Bool) throws -> AdaptRequest {
        let data = context.config.data
        var request = AdaptRequest(
            stageOne: stageOne, stageOneName: "the map of stage \(from)",
            queries: try required(data.queries?.embeddings, "data.queries.embeddings"),
            queryIds: try required(data.queries?.ids, "data.queries.ids"), index: try StageInputs.indexSource(data),
            labels: try required(data.qrels.labeled, "data.qrels.labeled"), files: context.shared.files)
        request.indexQueries = data.queries?.indexModelEmbeddings?.path
        request.hybrid = hybrid
        request.indexModelRetired = context.config.models.index.retired
        request.checkInputs = false
        return request
    }

    /// Reads and checks the request's inputs (for `kind: sweep`), logging as the adapt stage does.
    static func prepared(_ request: AdaptRequest, context: StageContext) throws -> AdaptRequest.Prepared {
        do {
            return try request.prepare(progress: { log($0, context: context) }, warn: warning(context))
        } catch { throw pipelineError(error, data: context.config.data) }
    }

    /// The store's pull and mining traffic, and the trainer's events, in the stage's log.
    static func log(_ event: AdaptRequest.Event, context: StageContext) {
        switch event {
        case .pulled(let store, let rows, nil):
            context.log(
                "hard negatives searched through \(store) by inner product (<#>); \(rows) rows pulled by binary COPY")
        case .pulled: break
        case .training(let event): context.log(AdaptWorkflow.describe(event))
        case .minedThroughStore(let line, _): context.log(line)
        }
    }

    static func warning(_ context: StageContext) -> (AdaptRequest.Role, String) -> Void {
        { role, message in context.log("warning: \(keyPath(role, context.config.data)): \(message)") }
    }

    /// The key path that gave the input of `role`.
    static func keyPath(_ role: AdaptRequest.Role, _ data: DataConfig) -> String {
        switch role {
        case .stageOne: "from"
        case .queries: "data.queries.embeddings"
        case .queryIds: "data.queries.ids"
        case .index: StageInputs.indexKeyPath(data)
        case .indexIds: "data.index.ids"
        case .indexQueries: "data.queries.index_model_embeddings"
        case .labels: "data.qrels.labeled"
        case .settings: "the adapt stage's options"
        }
    }

    /// A failure as the pipeline tells it: the input named by its key path (the labels with their file);
    /// a store that was lost says the run resumes at this stage.
    static func pipelineError(_ failure: AdaptRequest.Failure, data: DataConfig) -> any Error {
        guard case .unreadable(let error) = failure.reason else {
            return PipelineRunError(
                failure.message { role in
                    role == .labels
                        ? "data.qrels.labeled (\(data.qrels.labeled?.path ?? "not set"))" : keyPath(role, data)
                })
        }
        return StageInputs.named(error, keyPath: keyPath(failure.role, data))
    }

    private static func required(_ file: DataFile?, _ keyPath: String) throws -> String {
        guard let file else { throw PipelineRunError("\(keyPath) is not set in the pipeline") }
        return file.path
    }
}

extension AdaptStage {
    /// Progress of the dev curve (steps of the longest run), then of the final training.
    static func progress(_ event: AdaptEvent, _ maxSteps: Int, _ context: StageContext) {
        switch event {
        case .prepared: context.progress(completed: 0, total: maxSteps, "choosing the number of steps")
        case .evaluated(let step, _, _): context.progress(completed: step, total: maxSteps, "step \(step)")
        case .selected(let step, _, _, let foldMaps, _):
            context.progress(completed: 0, total: step, foldMaps == nil ? "final training" : "fold maps")
        case .finished(let steps, _, _): context.progress(completed: steps, total: steps, "done")
        case .mined: break
        }
    }
}
