import Alignment
import Chroma
import Foundation
import LinearAlgebra
import Retrieval

/// A Chroma collection as the index of an evaluation: opened and checked once, then searched
/// through its query API by ``EvaluateWorkflow`` in place of exact search.
///
/// Opening checks what era can check without pulling the collection: the dimension, the distance
/// space, and (for an L2 or cosine collection) that the documents of a first page are unit-norm,
/// which is when Chroma's distance ranks exactly like era's inner product.
public struct ChromaIndex: ServedIndex {
    public let collection: ChromaCollection
    /// The judged document ids the collection holds (those of the qrels given when it was opened).
    public let judgedInCollection: Set<String>
    /// Judged document ids it lacks (warned and counted, as with files).
    public let judgedMissing: Int

    /// Records whose norms are checked on opening (the first page).
    public static let normSample = StoreEvaluation.normSample
    /// Largest |norm - 1| counted as unit norm.
    public static let unitNormTolerance = StoreEvaluation.unitNormTolerance

    /// Opens the collection, checks that it can serve `dimension`-d queries scored by inner
    /// product, and looks up which judged documents of `qrels` it holds (ids only).
    /// - Throws: Chroma's `ChromaError` with the reason (dimension, an L2 collection with documents that
    ///   are not unit-norm, an unreachable server, a missing collection).
    public static func open(
        _ location: ChromaLocation, dimension: Int?, qrels: [Qrels], policy: ChromaRetryPolicy = ChromaRetryPolicy()
    ) throws -> ChromaIndex {
        let collection = try ChromaCollection(location, policy: policy)
        let found = try collection.requireDimension()
        guard dimension == nil || found == dimension else {
            throw ChromaError.incompatible(
                location: location.description,
                reason: "holds \(found)-d embeddings but the queries searched are \(dimension ?? 0)-d: "
                    + "the map must go into the index model's space (check the adapter and the index model's query vectors)"
            )
        }
        if collection.space != .innerProduct {
            let sample = try collection.first(normSample)
            // Cosine ranks like the inner product with unit documents, which is what era's maps
            // are trained for; L2 does only when the documents are unit-norm themselves.
            if collection.space == .l2, let (id, norm) = firstNonUnit(sample.ids, sample.matrix) {
                throw ChromaError.incompatible(
                    location: location.description,
                    reason: "uses l2 distance and its documents are not unit-norm (record \(id) has norm "
                        + String(format: "%.4f", norm) + "): L2 then ranks unlike the inner product era's maps "
                        + "are trained and scored with; re-create the collection with {\"hnsw\": {\"space\": \"ip\"}} "
                        + "or store unit-norm embeddings")
            }
        }
        let judged = StoreEvaluation.judged(qrels)
        let present = try collection.existing(judged)
        return ChromaIndex(
            collection: collection, judgedInCollection: present, judgedMissing: judged.count - present.count)
    }

    /// An empty `0 x dimension` matrix standing for the corpus of rows searched on the server.
    public var serverCorpus: Matrix { Matrix(rows: 0, columns: collection.dimension ?? 0) }

    /// The search of ``EvaluateWorkflow``: each row's (mapped) queries sent in batches to the query API.
    public var search: EvaluateWorkflow.Search {
        StoreEvaluation.search(judged: judgedInCollection) { [collection] queries, depth in
            try collection.nearest(queries, k: depth).map(\.ids)
        }
    }

    /// The first unit-norm violation of `matrix` (id and norm), if any.
    static func firstNonUnit(_ ids: [String], _ matrix: Matrix) -> (String, Float)? {
        StoreEvaluation.firstNonUnit(ids, matrix)
    }

    public func storeRun(_ outcome: StoreEvaluation.Outcome) -> EvaluateWorkflow.StoreRun {
        EvaluateWorkflow.StoreRun(name: StoreKind.chroma.name, outcome: outcome, traffic: collection.traffic)
    }

    /// The collection pulled in pages; a cosine collection's records normalized (as Chroma scores them).
    public func pulledForExactSearch(limit: Int) throws -> (ids: [String], matrix: Matrix) {
        var pulled = try collection.all(limit: limit)
        if collection.space == .cosine { pulled.matrix.normalizeRows() }
        return pulled
    }
}
