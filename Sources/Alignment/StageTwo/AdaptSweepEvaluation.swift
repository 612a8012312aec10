import Foundation
import LinearAlgebra
import Retrieval

/// What a sweep evaluates on: the held-out judgments (read through `loadQrels`, called once, after
/// every map has been trained) and, optionally, the index model's own query embeddings (the index
/// as it is, a reference line).
public struct AdaptSweepEvaluation: Sendable {
    /// Reads the evaluation judgments. The sweep calls it only after all training is done.
    public var loadQrels: @Sendable () throws -> Qrels
    /// The index model's embeddings of the same queries (ids = the problem's query ids), or nil.
    public var indexQueries: (any RowMatrix)?
    public var indexQueryIds: [String]?

    public init(
        loadQrels: @escaping @Sendable () throws -> Qrels, indexQueries: (any RowMatrix)? = nil,
        indexQueryIds: [String]? = nil
    ) {
        self.loadQrels = loadQrels
        self.indexQueries = indexQueries
        self.indexQueryIds = indexQueryIds
    }
}
