import Chroma
import EmbeddingIO
import Foundation
import Postgres
import Retrieval
import Workflows

extension StageInputs {
    /// `data.index` as the index the stages read: the one place the pipeline builds an
    /// ``IndexSource`` (files, `data.index.chroma` or `data.index.postgres`).
    static func indexSource(_ data: DataConfig) throws -> IndexSource {
        if let postgres = data.index?.postgres {
            return try wrapPostgres {
                .postgres(try postgres.location, search: postgres.searchSettings, policy: postgres.retryPolicy)
            }
        }
        if let chroma = data.index?.chroma {
            do { return .chroma(try chroma.location) } catch { throw named(error, keyPath: ChromaIdentity.keyPath) }
        }
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

    /// An error of an evaluation's search, after the store was opened: a pgvector table that was
    /// lost says the run resumes at this stage; any other error as it is.
    static func searchFailure(_ error: any Error) -> any Error {
        error is PostgresError ? named(error, keyPath: PostgresIdentity.keyPath) : error
    }

    /// Refuses a use of the index that needs its files when the index is a store.
    func requireIndexFiles(for use: String) throws {
        if let store = data.index?.storeKeyPath {
            throw PipelineRunError(
                "\(use) needs data.index.ids (the document ids of data.index.query_model_embeddings), "
                    + "and the index is a store (\(store)): leave that baseline out")
        }
    }

    /// An input's error as the pipeline tells it, named by its key path: a file's, a collection's, a
    /// table's (a lost server says the run resumes at this stage); any other error as it is.
    static func named(_ error: any Error, keyPath: String) -> any Error {
        if error is EmbeddingIOError || (error is ChromaError && keyPath == ChromaIdentity.keyPath) {
            return PipelineRunError("\(keyPath): \(error)")
        }
        guard keyPath == PostgresIdentity.keyPath else { return error }
        do { return try wrapPostgres { throw error } } catch { return error }
    }

    static func wrapPostgres<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as PostgresError {
            switch error {
            case .connectionLost, .unreachable: break
            default: throw PipelineRunError("\(PostgresIdentity.keyPath): \(error)")
            }
            // Nothing of the failed stage is kept, and what finished before it is reused.
            throw PipelineRunError(
                "\(PostgresIdentity.keyPath): \(error); the stages that finished are kept, so the run resumes at this one"
            )
        } catch let error as ChromaError {
            // The by-id fetch shared with Chroma reports rows that vanished while they were read.
            throw PipelineRunError("\(PostgresIdentity.keyPath): \(error)")
        }
    }
}
