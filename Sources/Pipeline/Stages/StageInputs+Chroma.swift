import Chroma
import Foundation
import LinearAlgebra
import Retrieval
import Workflows

extension StageInputs {
    /// The index an evaluation searches: the files (exact search), or the Chroma collection of
    /// `data.index.chroma`, opened and checked, whose rows are searched through its query API.
    /// - Parameter judged: the qrels whose documents are looked up in the collection (missing ones are counted).
    func searchedIndex(judged: [Qrels]) throws -> (
        corpus: any RowMatrix, ids: [String], search: EvaluateWorkflow.Search?
    ) {
        if let postgres = data.index?.postgres { return try searchedTable(postgres, judged: judged) }
        guard let chroma = data.index?.chroma else {
            return (
                try embeddings(\.index?.embeddings, "data.index.embeddings"), try ids(\.index?.ids, "data.index.ids"),
                nil
            )
        }
        let index = try wrapChroma { try ChromaIndex.open(try chroma.location, dimension: nil, qrels: judged) }
        return (index.serverCorpus, [], index.search)
    }

    /// Refuses a use of the index that needs its files when the index is a store.
    func requireIndexFiles(for use: String) throws {
        if let store = data.index?.storeKeyPath {
            throw PipelineRunError(
                "\(use) needs data.index.ids (the document ids of data.index.query_model_embeddings), "
                    + "and the index is a store (\(store)): leave that baseline out")
        }
    }

    private func wrapChroma<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as ChromaError {
            throw PipelineRunError("data.index.chroma: \(error)")
        }
    }
}
