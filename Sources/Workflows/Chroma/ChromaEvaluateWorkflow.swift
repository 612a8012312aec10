import Chroma
import Foundation
import LinearAlgebra
import Retrieval

/// Evaluation through a Chroma server: the rows of ``EvaluateWorkflow/AdapterRequest`` searched by
/// the collection's query API, and on request the same rows searched exactly in the collection
/// pulled whole, with the recall of the server's top-k against the exact top-k.
public enum ChromaEvaluateWorkflow {
    /// The largest collection `--compare-exact` pulls by default.
    public static let defaultExactLimit = 2_000_000

    /// A row's server and exact results side by side.
    public struct ExactComparison: Sendable {
        public var name: String
        /// Mean over the evaluated queries of |server top-k ∩ exact top-k| / |exact top-k|, by k.
        public var recall: [Int: Double]
        public var server: EvaluationRun
        public var exact: EvaluationRun
    }

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
    }

    /// Evaluates `request` through `index` (its `corpus` and `corpusIds` are ignored), and with
    /// `compareExact` also exactly against the collection pulled in pages (refused above `limit` records).
    public static func run(
        _ request: EvaluateWorkflow.AdapterRequest, index: ChromaIndex, compareExact: Bool,
        limit: Int = defaultExactLimit
    ) throws -> Outcome {
        var through = request
        through.corpus = index.serverCorpus
        through.corpusIds = []
        through.search = index.search
        let server = try EvaluateWorkflow.run(through)
        let runs = server.rows.runs
        let queries = runs.reduce(0) { $0 + $1.run.report.count }
        let seconds = runs.reduce(0) { $0 + $1.run.timing.searchSeconds }
        guard compareExact else {
            return Outcome(
                server: server, exact: nil, comparisons: [], traffic: index.collection.traffic,
                serverQueries: queries, serverSeconds: seconds)
        }
        var pulled = try index.collection.all(limit: limit)
        if index.collection.space == .cosine { pulled.matrix = normalizedRows(pulled.matrix) }
        var exactRequest = request
        exactRequest.corpus = pulled.matrix
        exactRequest.corpusIds = pulled.ids
        exactRequest.search = nil
        let exact = try EvaluateWorkflow.run(exactRequest)
        let comparisons = zip(runs, exact.rows.runs).map { serverRun, exactRun in
            ExactComparison(
                name: serverRun.name,
                recall: Dictionary(
                    uniqueKeysWithValues: request.settings.cutoffs.map {
                        ($0, recall(serverRun.run, against: exactRun.run, k: $0))
                    }), server: serverRun.run, exact: exactRun.run)
        }
        return Outcome(
            server: server, exact: exact, comparisons: comparisons, traffic: index.collection.traffic,
            serverQueries: queries, serverSeconds: seconds)
    }

    /// Mean over `exact`'s queries of the share of its top `k` that `server`'s top `k` also holds.
    public static func recall(_ server: EvaluationRun, against exact: EvaluationRun, k: Int) -> Double {
        var total = 0.0
        var counted = 0
        for (query, truth) in exact.rankings {
            let top = truth.prefix(k)
            guard !top.isEmpty else { continue }
            let found = Set(server.rankings[query]?.prefix(k) ?? [])
            total += Double(top.filter(found.contains).count) / Double(top.count)
            counted += 1
        }
        return counted == 0 ? 0 : total / Double(counted)
    }

    static func normalizedRows(_ matrix: Matrix) -> Matrix {
        var out = matrix
        let columns = matrix.columns
        out.withUnsafeMutableBufferPointer { values in
            for row in 0..<matrix.rows {
                let range = (row * columns)..<((row + 1) * columns)
                let norm = values[range].reduce(0) { $0 + $1 * $1 }.squareRoot()
                if norm > 0 { for i in range { values[i] /= norm } }
            }
        }
        return out
    }
}
