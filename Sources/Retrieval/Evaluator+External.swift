import LinearAlgebra

extension Evaluator {
    /// Evaluates `queries` searched by someone else (a vector database), on the judgments of `qrels`.
    ///
    /// The same queries are evaluated as by the exact ``evaluate(queries:queryIds:corpus:corpusIds:qrels:cutoffs:ignoreIdenticalIds:mapQueries:search:)``
    /// and scored the same way; only the ranking comes from `search`, in the order it returns.
    ///
    /// - Parameters:
    ///   - queries: query embeddings, one row per query.
    ///   - queryIds: the id of each query row, unique.
    ///   - qrels: the judgments; queries without a grade > 0 or an embedding are skipped and counted.
    ///   - cutoffs: the `k` of the measures, each > 0.
    ///   - ignoreIdenticalIds: BEIR's rule: a query's own id is dropped from its ranking (one more is asked for).
    ///   - inCorpus: whether the index holds a document id (judgments of absent documents are counted).
    ///   - mapQueries: applied to the gathered queries (timed).
    ///   - search: the ranked document ids of each row of the mapped queries, at most `depth` (the
    ///     largest cutoff; one more with `ignoreIdenticalIds`) each.
    /// - Throws: ``RetrievalError`` as the exact evaluation does, or whatever `mapQueries` or `search` throws.
    public static func evaluate(
        queries: some RowMatrix, queryIds: [String], qrels: Qrels, cutoffs: [Int] = IRMetrics.defaultCutoffs,
        ignoreIdenticalIds: Bool = false, inCorpus: (String) -> Bool, mapQueries: ((Matrix) throws -> Matrix)? = nil,
        search: (_ queries: Matrix, _ depth: Int) throws -> [[String]]
    ) throws -> EvaluationRun {
        guard queryIds.count == queries.rows else {
            throw RetrievalError.idCountMismatch(what: "query ids", ids: queryIds.count, rows: queries.rows)
        }
        try checkCutoffs(cutoffs)
        let queryRow = try positions(queryIds, what: "query ids")
        let (evaluated, warnings) = try selectQueries(
            qrels: qrels, queryRow: queryRow, queryCount: queryIds.count, inCorpus: inCorpus)
        let gathered = queries.gatherRows(evaluated.map { queryRow[$0]! })
        // The largest cutoff, not 100 at least as in exact search: every measure is computed, and
        // an approximate index answers a shallower query more exactly (HNSW searches max(ef, k)).
        let depth = cutoffs.max()!
        let start = ContinuousClock.now
        let mapped = try mapQueries.map { try $0(gathered) } ?? gathered
        let mapSeconds = seconds(since: start)
        guard mapped.rows == gathered.rows else {
            throw RetrievalError.idCountMismatch(what: "mapped queries", ids: gathered.rows, rows: mapped.rows)
        }
        let lists = try search(mapped, ignoreIdenticalIds ? depth + 1 : depth)
        guard lists.count == evaluated.count else {
            throw RetrievalError.idCountMismatch(what: "search results", ids: lists.count, rows: evaluated.count)
        }
        let searchSeconds = seconds(since: start)
        var rankings = [String: [String]](minimumCapacity: evaluated.count)
        for (query, list) in zip(evaluated, lists) {
            rankings[query] = Array((ignoreIdenticalIds ? list.filter { $0 != query } : list).prefix(depth))
        }
        let report = try IRMetrics.evaluate(rankings: rankings, qrels: qrels, cutoffs: cutoffs)
        let timing = EvaluationTiming(
            mapSeconds: mapSeconds, searchSeconds: searchSeconds,
            queriesPerSecond: Double(evaluated.count) / searchSeconds)
        return EvaluationRun(report: report, rankings: rankings, timing: timing, warnings: warnings)
    }
}
