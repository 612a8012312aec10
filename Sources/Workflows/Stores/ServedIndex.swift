import Foundation
import LinearAlgebra

/// An index that lives in a store (a Chroma collection, a pgvector table): searched through the
/// store's own query path, and pulled whole when exact search should be compared with it.
public protocol ServedIndex: Sendable {
    /// An empty `0 x dimension` matrix standing for the corpus of rows searched in the store.
    var serverCorpus: Matrix { get }
    /// The search of ``EvaluateWorkflow`` through the store.
    var search: EvaluateWorkflow.Search { get }
    /// Every record and its id, as exact inner-product search should see them (at most `limit`).
    func pulledForExactSearch(limit: Int) throws -> (ids: [String], matrix: Matrix)
    /// The store's part of an evaluation's ``EvaluateWorkflow/Result``: its name and its own figures.
    func storeRun(_ outcome: StoreEvaluation.Outcome) -> EvaluateWorkflow.StoreRun
}
