import Alignment
import Chroma
import Foundation
import LinearAlgebra
import Retrieval

/// Evaluation through a Chroma server: the rows of ``EvaluateWorkflow/AdapterRequest`` searched by
/// the collection's query API, and on request the same rows searched exactly in the collection
/// pulled whole, with the recall of the server's top-k against the exact top-k.
public enum ChromaEvaluateWorkflow {
    /// A row's server and exact results side by side.
    public typealias ExactComparison = StoreEvaluation.ExactComparison

    public struct Outcome: Sendable {
        /// The evaluation through the server (the rows, table and verdict of ``EvaluateWorkflow``).
        public var server: EvaluateWorkflow.AdapterOutcome
        /// The same request searched exactly in the pulled collection (with `compareExact`).
        public var exact: EvaluateWorkflow.AdapterOutcome?
        /// Per row, server against exact (with `compareExact`).
        public var comparisons: [ExactComparison]
        /// Requests, pages and query batches of the whole evaluation.
        public var traffic: ChromaTraffic
        /// Queries searched through the server (every row's evaluated queries).
        public var serverQueries: Int
        /// Seconds spent in the server's search (all rows, mapping included).
        public var serverSeconds: Double
        /// Records pulled for the exact comparison, and the seconds the pull took (with `compareExact`).
        public var pulledRecords = 0
        public var pullSeconds = 0.0
    }

    /// Evaluates `request` through `index` (its `corpus` and `corpusIds` are ignored), and with
    /// `compareExact` also exactly against the collection pulled in pages (refused above `limit` records).
    public static func run(
        _ request: EvaluateWorkflow.AdapterRequest, index: ChromaIndex, compareExact: Bool,
        limit: Int = StoreEvaluation.defaultExactLimit
    ) throws -> Outcome {
        let outcome = try StoreEvaluation.run(request, index: index, compareExact: compareExact, limit: limit)
        return Outcome(
            server: outcome.server, exact: outcome.exact, comparisons: outcome.comparisons,
            traffic: index.collection.traffic, serverQueries: outcome.serverQueries,
            serverSeconds: outcome.serverSeconds, pulledRecords: outcome.pulledRecords, pullSeconds: outcome.pullSeconds
        )
    }
}
