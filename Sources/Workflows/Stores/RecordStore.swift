import Foundation
import LinearAlgebra

/// A store whose records era can look up by id: a Chroma collection, a pgvector table.
public protocol RecordStore: Sendable {
    /// The store's location, for messages.
    var storeDescription: String { get }
    /// Which of `ids` the store holds.
    func existing(_ ids: [String]) throws -> Set<String>
    /// The embeddings of `ids` in that order, and the ids the store lacks (their rows are zero).
    func embeddings(of ids: [String]) throws -> (matrix: Matrix, missing: [String])
}
