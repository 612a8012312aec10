import Foundation
import LinearAlgebra
import Retrieval

/// Evaluation through a store: the rows of ``EvaluateWorkflow/AdapterRequest`` searched by the
/// store, and on request the same rows searched exactly in the store's records pulled whole, with
/// the recall of the store's top-k against the exact top-k. Each store adds only its own figures
/// (``ChromaEvaluateWorkflow`` adds the HTTP traffic; a pgvector table adds nothing).
public enum StoreEvaluation {
    /// A row's store and exact results side by side.
    public struct ExactComparison: Sendable {
        public var name: String
        /// Mean over the evaluated queries of |store top-k ∩ exact top-k| / |exact top-k|, by k.
        public var recall: [Int: Double]
        public var server: EvaluationRun
        public var exact: EvaluationRun
    }

    public struct Outcome: Sendable {
        /// The evaluation through the store (the rows, table and verdict of ``EvaluateWorkflow``).
        public var server: EvaluateWorkflow.AdapterOutcome
        /// The same request searched exactly in the pulled records (with `compareExact`).
        public var exact: EvaluateWorkflow.AdapterOutcome?
        /// Per row, store against exact (with `compareExact`).
        public var comparisons: [ExactComparison]
        /// Queries searched through the store (every row's evaluated queries).
        public var serverQueries: Int
        /// Seconds spent in the store's search (all rows, mapping included).
        public var serverSeconds: Double
        /// Records pulled for the exact comparison, and the seconds the pull took (with `compareExact`).
        public var pulledRecords = 0
        public var pullSeconds = 0.0
    }

    /// The largest collection or table `--compare-exact` (and stage two, which scores every
    /// document) pulls by default.
    public static let defaultExactLimit = 2_000_000

    /// Evaluates `request` through `index` (its `corpus` and `corpusIds` are ignored), and with
    /// `compareExact` also exactly against the records pulled whole (refused above `limit`).
    public static func run(
        _ request: EvaluateWorkflow.AdapterRequest, index: some ServedIndex, compareExact: Bool,
        limit: Int = defaultExactLimit
    ) throws -> Outcome {
        try run(index: index, compareExact: compareExact, limit: limit, cutoffs: request.settings.cutoffs) {
            corpus, ids, search in
            var through = request
            through.corpus = corpus
            through.corpusIds = ids
            through.search = search
            return try EvaluateWorkflow.run(through)
        }
    }

    /// Runs `evaluate` through `index` (its empty corpus and its search), and with `compareExact` again
    /// exactly in the records pulled whole (refused above `limit`), with the recall at each cutoff.
    static func run(
        index: some ServedIndex, compareExact: Bool, limit: Int, cutoffs: [Int],
        evaluate: (any RowMatrix, [String], EvaluateWorkflow.Search?) throws -> EvaluateWorkflow.AdapterOutcome
    ) throws -> Outcome {
        let server = try evaluate(index.serverCorpus, [], index.search)
        let runs = server.rows.runs
        let queries = runs.reduce(0) { $0 + $1.run.report.count }
        let seconds = runs.reduce(0) { $0 + $1.run.timing.searchSeconds }
        guard compareExact else {
            return Outcome(server: server, exact: nil, comparisons: [], serverQueries: queries, serverSeconds: seconds)
        }
        let clock = ContinuousClock(), started = clock.now
        let pulled = try index.pulledForExactSearch(limit: limit)
        let pullTime = clock.now - started
        let exact = try evaluate(pulled.matrix, pulled.ids, nil)
        let comparisons = zip(runs, exact.rows.runs).map { serverRun, exactRun in
            ExactComparison(
                name: serverRun.name,
                recall: Dictionary(
                    uniqueKeysWithValues: cutoffs.map { ($0, recall(serverRun.run, against: exactRun.run, k: $0)) }),
                server: serverRun.run, exact: exactRun.run)
        }
        return Outcome(
            server: server, exact: exact, comparisons: comparisons, serverQueries: queries, serverSeconds: seconds,
            pulledRecords: pulled.ids.count,
            pullSeconds: Double(pullTime.components.seconds) + Double(pullTime.components.attoseconds) * 1e-18)
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

    /// Records whose norms are checked when a store is opened.
    public static let normSample = 64
    /// Largest |norm - 1| counted as unit norm.
    public static let unitNormTolerance: Float = 1e-3

    /// The first unit-norm violation of `matrix` (id and norm), if any.
    static func firstNonUnit(_ ids: [String], _ matrix: Matrix) -> (String, Float)? {
        for (i, id) in ids.enumerated() {
            let norm = matrix.row(i).reduce(0) { $0 + $1 * $1 }.squareRoot()
            if abs(norm - 1) > unitNormTolerance { return (id, norm) }
        }
        return nil
    }

    /// The search of ``EvaluateWorkflow`` through a store: each row's (mapped) queries ranked by
    /// `nearest` (record ids, best first, `depth` deep); judged documents outside `judged` count as
    /// missing from the corpus, as with files.
    static func search(
        judged: Set<String>, nearest: @escaping @Sendable (Matrix, Int) throws -> [[String]]
    ) -> EvaluateWorkflow.Search {
        { row, queryIds, qrels, settings in
            try Evaluator.evaluate(
                queries: row.queries, queryIds: queryIds, qrels: qrels,
                cutoffs: settings.cutoffs, ignoreIdenticalIds: settings.ignoreIdenticalIds,
                inCorpus: judged.contains,
                mapQueries: row.map.map { map in { try map.applyNormalized(to: $0) } },
                search: nearest)
        }
    }

    /// The judged document ids of `qrels`.
    static func judged(_ qrels: [Qrels]) -> [String] {
        var judged = Set<String>()
        for table in qrels {
            for (_, documents) in table.judgments { judged.formUnion(documents.keys) }
        }
        return judged.sorted()
    }
}
