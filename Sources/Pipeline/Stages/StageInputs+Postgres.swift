import Alignment
import Chroma
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

    /// Stage one's pairs with the index model's side fetched by id from the table (the sample
    /// drawn as from files, as `era align --target postgresql://...` draws it).
    func tablePairs(
        _ config: PostgresIndexConfig, sources: any RowMatrix, ids: [String], sample: Int?, seed: UInt64,
        log: (String) -> Void
    ) throws -> ChromaAlignInput.Pairs {
        try Self.wrapPostgres {
            let table = try PostgresTable(try config.location, policy: config.retryPolicy)
            let pairs = try ChromaAlignInput.pairs(
                sources: sources, sourceIds: ids, sample: sample, seed: seed, store: table)
            log(
                "\(pairs.ids.count) rows of \(table.location) fetched by id; "
                    + "\(pairs.missing) ids of data.alignment.ids not in it")
            return pairs
        }
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
