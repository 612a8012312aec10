import Chroma
import EmbeddingIO
import Foundation
import LinearAlgebra
import Postgres
import Retrieval
import Workflows

extension StageInputs {
    /// The pgvector table of `data.index.postgres` as the index an evaluation searches: opened and
    /// checked (unit norms, the judged documents it holds), with the search settings set for the session.
    func searchedTable(_ config: PostgresIndexConfig, judged: [Qrels]) throws -> (
        corpus: any RowMatrix, ids: [String], search: EvaluateWorkflow.Search?
    ) {
        let index = try Self.wrapPostgres {
            try PostgresIndex.open(
                try config.location, dimension: nil, qrels: judged, search: config.searchSettings,
                policy: config.retryPolicy)
        }
        // The search runs later, inside the evaluation: a server lost then is named as at opening.
        let search = index.search
        return (
            index.serverCorpus, [],
            { row, queryIds, qrels, settings in
                try Self.wrapPostgres { try search(row, queryIds, qrels, settings) }
            }
        )
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
