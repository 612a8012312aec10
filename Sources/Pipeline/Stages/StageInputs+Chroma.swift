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

    /// Stage one's tables: `data.alignment`'s two files (rows matched by `ids`, else by position),
    /// or, without `index_model`, the store's records of the sampled `ids` (a Chroma collection's,
    /// a pgvector table's), fetched by id (the sample drawn here, as from files, so `sample` comes back nil).
    func alignmentPairs(sample: Int?, seed: UInt64, log: (String) -> Void) throws -> (
        sources: any RowMatrix, sourceIds: [String], targets: any RowMatrix, targetIds: [String], sample: Int?
    ) {
        let sources = try embeddings(\.alignment?.queryModel, "data.alignment.query_model")
        let ids = try optionalIds(\.alignment?.ids, "data.alignment.ids") ?? (0..<sources.rows).map(String.init)
        if data.alignment?.indexModel == nil, let postgres = data.index?.postgres {
            let pairs = try tablePairs(postgres, sources: sources, ids: ids, sample: sample, seed: seed, log: log)
            return (pairs.sources, pairs.ids, pairs.targets, pairs.ids, nil)
        }
        guard data.alignment?.indexModel == nil, let chroma = data.index?.chroma else {
            let targets = try embeddings(\.alignment?.indexModel, "data.alignment.index_model")
            return (sources, ids, targets, ids, sample)
        }
        return try wrapChroma {
            let collection = try ChromaCollection(try chroma.location)
            let pairs = try ChromaAlignInput.pairs(
                sources: sources, sourceIds: ids, sample: sample, seed: seed, collection: collection)
            log(
                "\(pairs.ids.count) records of \(collection.location) fetched by id in "
                    + "\(collection.traffic.pagesFetched) pages; \(pairs.missing) ids of data.alignment.ids not in it")
            return (pairs.sources, pairs.ids, pairs.targets, pairs.ids, nil)
        }
    }

    /// The two alignment tables for unpaired alignment: both files whole, of any row counts, or,
    /// without `data.alignment.index_model` and with a Chroma index, `sample` records of the
    /// collection. The `data.alignment.ids` list, which names the rows of both files, is used (for
    /// anchors) only when both files have that many rows.
    func unpairedAlignmentTables(sample: Int, seed: UInt64, log: (String) -> Void) throws -> (
        sources: any RowMatrix, targets: any RowMatrix, ids: [String]
    ) {
        let sources = try embeddings(\.alignment?.queryModel, "data.alignment.query_model")
        if data.alignment?.indexModel == nil, data.index?.postgres != nil {
            throw PipelineRunError(
                "align: pairing: unpaired samples a Chroma collection's records, not a pgvector table's: "
                    + "set data.alignment.index_model (the index model's vectors of the alignment texts)")
        }
        guard data.alignment?.indexModel == nil, let chroma = data.index?.chroma else {
            let targets = try embeddings(\.alignment?.indexModel, "data.alignment.index_model")
            let ids = try optionalIds(\.alignment?.ids, "data.alignment.ids") ?? []
            let usable = ids.count == sources.rows && ids.count == targets.rows
            return (sources, targets, usable ? ids : [])
        }
        // The index's side is a sample of the collection's records (whole pages at seeded offsets).
        return try wrapChroma {
            let collection = try ChromaCollection(try chroma.location)
            let sampled = try collection.sample(sample, seed: seed)
            log(
                "\(sampled.ids.count) records of \(collection.location) sampled in "
                    + "\(collection.traffic.pagesFetched) pages for unpaired alignment")
            return (sources, sampled.matrix, [])
        }
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
