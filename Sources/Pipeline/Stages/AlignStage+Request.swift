import Alignment
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

    /// The store's fetch or sample, the pairs, the trainer's and the unpaired matching's events, in the
    /// stage's log and progress.
    static func report(_ event: AlignRequest.Event, settings: AlignSettings, context: StageContext) {
        switch event {
        case .fetched(let store, let kind, let rows, let pages, let missing):
            context.log(
                "\(rows) \(kind.item)s of \(store) fetched by id\(pages.map { " in \($0) pages" } ?? ""); "
                    + "\(missing) ids of data.alignment.ids not in it")
        case .sampled(let store, let rows, let pages):
            context.log("\(rows) records of \(store) sampled in \(pages) pages for unpaired alignment")
        case .started(let pairs, let p, let m):
            context.log("\(pairs) pairs, p = \(p), m = \(m)")
            context.progress(completed: 0, total: nil, "warm start (\(settings.warmStart.rawValue)) on \(pairs) pairs")
        case .training(let event):
            if let line = AlignWorkflow.describe(event, epochs: settings.epochs) { context.log(line) }
            progress(event, epochs: settings.epochs, context: context)
        case .unpaired(let event):
            if let line = AlignWorkflow.describe(event) {
                context.log(line)
                context.progress(completed: 0, total: nil, line)
            }
        }
    }

    private static func progress(_ event: TrainingEvent, epochs: Int, context: StageContext) {
        switch event {
        case .warmStarted: context.progress(completed: 0, total: max(epochs, 1), "warm start done")
        case .batchFinished(let epoch, let batch, let batches, _)
        where batch == batches || batch % max(1, batches / 10) == 0:
            context.progress(
                completed: (epoch - 1) * batches + batch, total: epochs * batches, "epoch \(epoch)/\(epochs)")
        default: break
        }
    }

    /// The key path that gave the input of `role`.
    static func keyPath(_ role: AlignRequest.Role, _ data: DataConfig) -> String {
        switch role {
        case .source: "data.alignment.query_model"
        case .sourceIds, .targetIds: "data.alignment.ids"
        case .target:
            data.alignment?.indexModel == nil
                ? data.index?.storeKeyPath ?? "data.alignment.index_model"
                : "data.alignment.index_model"
        case .sample: "samples"
        case .anchors: "anchors"
        case .unpaired: "pairing: unpaired"
        case .settings: "options"
        }
    }

    /// A failure as the pipeline tells it: the input named by its key path; a store that was lost
    /// says the run resumes at this stage.
    static func pipelineError(_ failure: AlignRequest.Failure, data: DataConfig) -> any Error {
        if case .unreadable(let error) = failure.problem {
            return StageInputs.named(error, keyPath: keyPath(failure.role, data))
        }
        return PipelineRunError("align: " + failure.message { keyPath($0, data) })
    }
}
