import Chroma
import Foundation
import LinearAlgebra
import Postgres
import Workflows

extension AdaptInputOptions {
    /// The index's documents and ids: from the files, or pulled in pages from a Chroma collection.
    ///
    /// Stage two scores every document (hard negatives, and the dev folds that choose the map),
    /// so a collection is pulled whole; up to ``ChromaEvaluateWorkflow/defaultExactLimit`` records.
    /// Hard negatives are then searched through the collection's query API (the returned search).
    func corpusTable(_ files: InputFiles) throws -> (any RowMatrix, [String], ChromaNegativeSearch?) {
        guard ChromaLocation.isLocation(corpus) else {
            guard let corpusIds else {
                throw CommandError("--corpus-ids: give the ids of the rows of --corpus \(corpus)")
            }
            return (try files.embeddings(corpus, checked: true), try files.ids(corpusIds, rowsOf: corpus), nil)
        }
        if let corpusIds {
            throw CommandError(
                "--corpus-ids \(corpusIds): not used with a Chroma collection (its records carry their ids); leave it out"
            )
        }
        let collection = try ChromaCollection(try ChromaLocation(parsing: corpus))
        let pulled = try collection.all(limit: ChromaEvaluateWorkflow.defaultExactLimit)
        printProgress("\(corpus): pulled \(pulled.ids.count) records in \(collection.traffic.pagesFetched) pages")
        return (pulled.matrix, pulled.ids, ChromaNegativeSearch(collection: collection, corpusIds: pulled.ids))
    }
}

extension AdaptInputOptions {
    /// A `postgresql://` corpus: the table checked (dimension, unit norms), pulled by one binary
    /// COPY, and searched for hard negatives (the returned search).
    func postgresTable() throws -> (Matrix, [String], PostgresNegativeSearch) {
        if let corpusIds {
            throw CommandError(
                "--corpus-ids \(corpusIds): not used with a Postgres table (its rows carry their ids); leave it out")
        }
        let index = try PostgresIndex.open(try PostgresLocation(parsing: corpus), dimension: nil, qrels: [])
        let pulled = try index.table.all(limit: PostgresEvaluateWorkflow.defaultExactLimit)
        printProgress("\(index.table.location): pulled \(pulled.ids.count) rows by COPY")
        return (pulled.matrix, pulled.ids, PostgresNegativeSearch(table: index.table, corpusIds: pulled.ids))
    }
}
