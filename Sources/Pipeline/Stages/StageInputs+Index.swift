import EmbeddingIO
import Foundation
import Retrieval
import Workflows

extension StageInputs {
    /// `data.index` as the index the stages read: the one place the pipeline builds an
    /// ``IndexSource`` (files, or the store of ``IndexStores/all`` the pipeline names).
    static func indexSource(_ data: DataConfig) throws -> IndexSource {
        if let store = data.index?.store { return try store.indexSource() }
        guard let embeddings = data.index?.embeddings else {
            throw PipelineRunError("data.index.embeddings is not set in the pipeline")
        }
        return .files(embeddings: embeddings.path, ids: data.index?.ids?.path)
    }

    /// The index an evaluation searches: the files (exact search), or the store opened and checked,
    /// whose rows are searched through its own query path.
    /// - Parameter judged: the qrels whose documents are looked up in the store (missing ones are counted).
    func searchedIndex(_ source: IndexSource, judged: [Qrels]) throws -> EvaluateWorkflow.Index {
        do { return try source.searched(files: files, checked: false, judged: judged).index } catch {
            guard let cause = error.error else { throw PipelineRunError("data.index.ids is not set in the pipeline") }
            throw Self.named(cause, keyPath: error.part == .ids ? "data.index.ids" : Self.indexKeyPath(data))
        }
    }

    /// The key path of the index's documents: the store's, or `data.index.embeddings`.
    static func indexKeyPath(_ data: DataConfig) -> String { data.index?.storeKeyPath ?? "data.index.embeddings" }

    /// An error of an evaluation's search, after the store was opened, as its store tells it (a
    /// pgvector table that was lost says the run resumes at this stage); any other error as it is.
    static func searchFailure(_ error: any Error) -> any Error {
        IndexStores.all.lazy.compactMap { $0.searchFailure(error) }.first ?? error
    }

    /// Refuses a use of the index that needs its files when the index is a store.
    func requireIndexFiles(for use: String) throws {
        if let store = data.index?.storeKeyPath {
            throw PipelineRunError(
                "\(use) needs data.index.ids (the document ids of data.index.query_model_embeddings), "
                    + "and the index is a store (\(store)): leave that baseline out")
        }
    }

    /// An input's error as the pipeline tells it, named by its key path: a file's, or a store's as
    /// the store tells it (a lost server says the run resumes at this stage); any other error as it is.
    static func named(_ error: any Error, keyPath: String) -> any Error {
        if error is EmbeddingIOError { return PipelineRunError("\(keyPath): \(error)") }
        return IndexStores.store(at: keyPath)?.named(error) ?? error
    }
}
