import Chroma
import Foundation
import LinearAlgebra
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
