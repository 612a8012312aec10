import Alignment
import Chroma
import Foundation
import LinearAlgebra
import Retrieval

/// Hard-negative mining through a Chroma collection's query API: the teacher-mapped queries of
/// stage two (hybrid ones with index-model queries) are sent in batches of
/// `ChromaCollection.queryBatch`, and the returned record ids become rows of the corpus pulled
/// from the same collection, which mining scores itself (Alignment's `AdaptCandidateSearch`).
///
/// Stage two still pulls the collection: the dev folds rank every document and training needs the
/// negatives' vectors.
public struct ChromaNegativeSearch: Sendable {
    public let collection: ChromaCollection
    private let corpusIds: [String]
    private let pulled: PulledRows

    /// The search over `collection`, whose records were pulled as rows `corpusIds`.
    public init(collection: ChromaCollection, corpusIds: [String]) {
        self.collection = collection
        self.corpusIds = corpusIds
        pulled = PulledRows(corpusIds)
    }

    /// The search for `AdaptProblem.negativeSearch`, or nil with the reason when the server's
    /// ranking cannot stand for the inner product on these documents (an L2 or cosine collection
    /// whose pulled documents are not unit-norm): mining then searches the pulled rows exactly.
    public func search(corpus: some RowMatrix) -> (search: AdaptCandidateSearch?, reason: String?) {
        if collection.space != .innerProduct {
            var worst: (row: Int, norm: Float)? = nil
            corpus.withUnsafeBufferPointer { docs in
                for row in 0..<corpus.rows where worst == nil {
                    let start = row * corpus.columns
                    let norm = docs[start..<(start + corpus.columns)].reduce(0) { $0 + $1 * $1 }.squareRoot()
                    if abs(norm - 1) > ChromaIndex.unitNormTolerance { worst = (row, norm) }
                }
            }
            if let (row, norm) = worst {
                return (
                    nil,
                    "\(collection.location) uses \(collection.space.rawValue) distance and its record \(corpusIds[row]) has "
                        + String(format: "norm %.4f", norm) + ": its ranking is not the inner product's, "
                        + "so hard negatives are mined on the pulled records"
                )
            }
        }
        let location = collection.location.description
        return (
            AdaptCandidateSearch(name: location) { [collection, pulled] queries, depth in
                try pulled.rows(try collection.nearest(queries, k: depth).map(\.ids)) { id in
                    ChromaError.badResponse(
                        location: location, request: "query",
                        reason: "returned record \(id), which was not among the records pulled: "
                            + "the collection changed during stage two; run again")
                }
            }, nil
        )
    }

    /// One line for the log, from the traffic before mining and the mining time.
    public func describe(since before: ChromaTraffic, seconds: Double) -> String {
        let now = collection.traffic
        return String(
            format: "hard negatives searched through %@'s query API: %d query requests (%.2f s waiting for the "
                + "server, %.2f s mining in all)",
            collection.location.description, now.queryBatches - before.queryBatches, now.seconds - before.seconds,
            seconds)
    }

    /// What mining asked of the server since `before`: for summaries.
    public func summary(since before: ChromaTraffic, seconds: Double) -> [String: Any] {
        let now = collection.traffic
        return [
            "through": collection.location.description, "query_requests": now.queryBatches - before.queryBatches,
            "server_seconds": now.seconds - before.seconds, "seconds": seconds,
        ]
    }
}
