import EmbeddingIO
import Foundation
import Testing
import Workflows

@testable import Pipeline

/// ``PipelineInputRole``: every input role of every workflow becomes the key path that gave it, in
/// one place, and ``InputFailure/pipelineError(_:)`` tells any workflow's failure by those keys.
@Suite struct PipelineInputRoleTests {
    static let at = SourceLocation(file: "p.yaml", line: 1, column: 1)
    static func file(_ path: String) -> DataFile { DataFile(path: path, location: at) }
    static let files = DataConfig(
        queries: QueryData(embeddings: file("/nowhere/q.npy"), ids: file("/nowhere/q.txt")),
        index: IndexData(embeddings: file("/nowhere/d.npy"), ids: file("/nowhere/d.txt")), alignment: nil,
        qrels: QrelsData(labeled: file("/nowhere/train.tsv")))
    static let store = DataConfig(
        queries: nil,
        index: IndexData(
            store: ChromaIndexConfig(
                url: "http://localhost:8000", collection: "docs", tenant: "default_tenant",
                database: "default_database")),
        alignment: nil, qrels: QrelsData())

    @Test func everyAdaptRoleHasItsKeyPath() {
        let expected: [AdaptRequest.Role: String] = [
            .stageOne: "from", .queries: "data.queries.embeddings", .queryIds: "data.queries.ids",
            .index: "data.index.embeddings", .indexIds: "data.index.ids",
            .indexQueries: "data.queries.index_model_embeddings", .labels: "data.qrels.labeled",
            .settings: "the adapt stage's options",
        ]
        #expect(Set(expected.keys) == Set(AdaptRequest.Role.allCases))
        for role in AdaptRequest.Role.allCases { #expect(role.keyPath(in: Self.files) == expected[role], "\(role)") }
        #expect(AdaptRequest.Role.index.keyPath(in: Self.store) == "data.index.chroma")
        // Only the labels say more in a message: their file.
        for role in AdaptRequest.Role.allCases where role != .labels {
            #expect(role.messageName(in: Self.files) == role.keyPath(in: Self.files), "\(role)")
        }
        #expect(AdaptRequest.Role.labels.messageName(in: Self.files) == "data.qrels.labeled (/nowhere/train.tsv)")
        #expect(AdaptRequest.Role.labels.messageName(in: Self.store) == "data.qrels.labeled (not set)")
    }

    @Test func everyEvaluateRoleHasItsKeyPath() {
        let expected: [EvaluateInputError.Role: String] = [
            .queries: "data.queries.embeddings", .queryIds: "data.queries.ids", .corpus: "data.index.embeddings",
            .corpusIds: "data.index.ids", .qrels: "data.qrels.evaluation", .unseenAgainst: "data.qrels.labeled",
            .indexQueries: "data.queries.index_model_embeddings",
            .reembeddedCorpus: "data.index.query_model_embeddings", .adapter: "adapter",
        ]
        #expect(Set(expected.keys) == Set(EvaluateInputError.Role.allCases))
        for role in EvaluateInputError.Role.allCases {
            #expect(role.keyPath(in: Self.files) == expected[role], "\(role)")
        }
    }

    @Test func eachWorkflowsMessagesStartAsBefore() {
        #expect(AlignRequest.Role.messagePrefix == "align: ")
        #expect(AdaptRequest.Role.messagePrefix == "")
        #expect(EvaluateInputError.Role.messagePrefix == "evaluate: ")
    }

    @Test func anEvaluationErrorNamesItsKeyOrItsMap() {
        let shape = EvaluateInputError(
            .indexQueries, .shape(rows: 3, columns: 4, expectedRows: 5, expectedColumns: 4))
        #expect(
            "\(shape.pipelineError(Self.files))"
                == "evaluate: data.queries.index_model_embeddings: is 3 x 4; expected 5 x 4")
        let map = EvaluateInputError(
            .adapter, .adapterDimensions(source: 8, target: 4, queries: 6, corpus: 4), subject: "adapt")
        #expect(
            "\(map.pipelineError(Self.files))"
                == "evaluate: adapt: maps 8-d to 4-d vectors, but the queries are 6-d and the index is 4-d")
        let nothing = EvaluateInputError(.qrels, .nothingToDo("no query left"))
        #expect(
            "\(EvaluateStage.error(nothing, data: Self.files))"
                == "nothing to do: no query left, with data.qrels.evaluation ? and data.queries.ids /nowhere/q.txt: "
                + "check that the qrels use the ids of that file")
    }

    @Test func anUnreadableFileIsNamedByItsKeyAnotherErrorPassesAsItIs() {
        let unreadable = AdaptRequest.Failure(
            role: .indexQueries, reason: .unreadable(EmbeddingIOError(.badMagic, path: "/nowhere/i.npy", "not npy")))
        let message = "\(unreadable.pipelineError(Self.files))"
        #expect(message.hasPrefix("data.queries.index_model_embeddings: /nowhere/i.npy"), "\(message)")
        struct Elsewhere: Error {}
        let other = AlignRequest.Failure(role: .source, problem: .unreadable(Elsewhere()))
        #expect(other.pipelineError(Self.files) is Elsewhere)
    }

    @Test func anUnsetKeyIsRefusedByTheRolesKeyPath() throws {
        let inputs = StageInputs(data: Self.store, files: InputFiles())
        let error = try #require(throws: PipelineRunError.self) {
            try inputs.path(\.qrels.labeled, AdaptRequest.Role.labels)
        }
        #expect("\(error)" == "data.qrels.labeled is not set in the pipeline")
        #expect(
            try StageInputs(data: Self.files, files: InputFiles()).path(\.queries?.ids, AdaptRequest.Role.queryIds)
                == "/nowhere/q.txt")
        // A file that cannot be read is named by the role's key path, before the file's own error.
        let unreadable = try #require(throws: PipelineRunError.self) {
            try StageInputs(data: Self.files, files: InputFiles()).embeddings(
                \.queries?.embeddings, EvaluateInputError.Role.queries)
        }
        #expect("\(unreadable)".hasPrefix("data.queries.embeddings: /nowhere/q.npy"), "\(unreadable)")
    }
}
