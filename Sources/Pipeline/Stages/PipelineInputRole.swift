import Foundation
import Workflows

/// A workflow's input role as the pipeline names it: the key path that gave the input, the one
/// place each role of `AlignRequest`, `AdaptRequest` and `EvaluateWorkflow` becomes a key.
protocol PipelineInputRole {
    func keyPath(in data: DataConfig) -> String
    /// How a failure's message names the input (the key path unless it says more).
    func messageName(in data: DataConfig) -> String
    /// What a failure's message starts with (the workflow's name where its own words do not say it).
    static var messagePrefix: String { get }
}

extension PipelineInputRole {
    func messageName(in data: DataConfig) -> String { keyPath(in: data) }
    static var messagePrefix: String { "" }
}

extension AlignRequest.Role: PipelineInputRole {
    static var messagePrefix: String { "align: " }

    func keyPath(in data: DataConfig) -> String {
        switch self {
        case .source: "data.alignment.query_model"
        case .sourceIds, .targetIds: "data.alignment.ids"
        case .target:
            data.alignment?.indexModel == nil
                ? data.index?.storeKeyPath ?? "data.alignment.index_model" : "data.alignment.index_model"
        case .sample: "samples"
        case .anchors: "anchors"
        case .unpaired: "pairing: unpaired"
        case .settings: "options"
        }
    }
}

extension AdaptRequest.Role: PipelineInputRole {
    func keyPath(in data: DataConfig) -> String {
        switch self {
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

    /// The labels with their file: a trainer's refusal about them is read beside the file.
    func messageName(in data: DataConfig) -> String {
        self == .labels ? "data.qrels.labeled (\(data.qrels.labeled?.path ?? "not set"))" : keyPath(in: data)
    }
}

extension EvaluateInputError.Role: PipelineInputRole {
    static var messagePrefix: String { "evaluate: " }

    func keyPath(in data: DataConfig) -> String {
        switch self {
        case .queries: "data.queries.embeddings"
        case .queryIds: "data.queries.ids"
        case .corpus: "data.index.embeddings"
        case .corpusIds: "data.index.ids"
        case .qrels: "data.qrels.evaluation"
        case .unseenAgainst: "data.qrels.labeled"
        case .indexQueries: "data.queries.index_model_embeddings"
        case .reembeddedCorpus: "data.index.query_model_embeddings"
        case .adapter: "adapter"
        }
    }
}

extension InputFailure where Role: PipelineInputRole {
    /// The failure as the pipeline tells it: an unreadable input's error named by its key path (a
    /// store that was lost says the run resumes at this stage), else the message with every input
    /// named by key path.
    func pipelineError(_ data: DataConfig) -> any Error {
        if let cause = unreadableCause { return StageInputs.named(cause, keyPath: role.keyPath(in: data)) }
        return PipelineRunError(Role.messagePrefix + message { $0.messageName(in: data) })
    }
}
