import EmbeddingIO
import LinearAlgebra

/// End-to-end evaluation of query embeddings against a document index (`peer.py evaluate`).
///
/// Evaluated queries: those in `qrels` with a document of grade > 0 and a row in `queries`,
/// sorted byte-wise. Their rows are gathered, optionally mapped (`mapQueries`), searched
/// exactly against the corpus to depth max(100, max cutoff) with trec_eval's tie rule (equal
/// scores: larger document id first), and scored with ``IRMetrics``.
public enum Evaluator {
    /// Search depth for `cutoffs`: 100 at least (recall@100 and map@100 need it).
    public static func depth(cutoffs: [Int]) -> Int { max(100, cutoffs.max() ?? 0) }

    /// Evaluates `queries` against `corpus` on the judgments of `qrels`.
    ///
    /// - Parameters:
    ///   - queries: query embeddings, one row per query (`p` columns; `d` after `mapQueries`).
    ///   - queryIds: the id of each query row, unique.
    ///   - corpus: the index's document embeddings (`d` columns; may be memory-mapped).
    ///   - corpusIds: the id of each corpus row, unique.
    ///   - qrels: the judgments; queries without a grade > 0 or without an embedding are skipped
    ///     and counted in ``EvaluationRun/warnings``.
    ///   - cutoffs: the `k` of the measures, each > 0 (default `[10, 100]`).
    ///   - ignoreIdenticalIds: BEIR's rule, a query may not retrieve the document with its own id.
    ///   - mapQueries: applied to the gathered `q x p` queries; must return `q x d` (timed).
    ///   - search: the search and its block sizes.
    /// - Returns: the report, the rankings (depth ``depth(cutoffs:)``), timings and warnings.
    /// - Throws: ``RetrievalError`` (id counts, duplicates, dimensions, cutoffs, no query to
    ///   evaluate) or whatever `mapQueries` throws.
    public static func evaluate(
        queries: some RowMatrix, queryIds: [String], corpus: some RowMatrix, corpusIds: [String],
        qrels: Qrels, cutoffs: [Int] = IRMetrics.defaultCutoffs, ignoreIdenticalIds: Bool = false,
        mapQueries: ((Matrix) throws -> Matrix)? = nil, search: ExactSearch = ExactSearch()
    ) throws -> EvaluationRun {
        guard queryIds.count == queries.rows else {
            throw RetrievalError.idCountMismatch(what: "query ids", ids: queryIds.count, rows: queries.rows)
        }
        guard corpusIds.count == corpus.rows else {
            throw RetrievalError.idCountMismatch(what: "corpus ids", ids: corpusIds.count, rows: corpus.rows)
        }
        try checkCutoffs(cutoffs)
        let queryRow = try positions(queryIds, what: "query ids")
        let corpusRow = try positions(corpusIds, what: "corpus ids")
        let (evaluated, warnings) = try selectQueries(
            qrels: qrels, queryRow: queryRow, queryCount: queryIds.count, inCorpus: { corpusRow[$0] != nil })

        let gathered = queries.gatherRows(evaluated.map { queryRow[$0]! })
        let tieBreak = TieBreak.byteWiseIds(corpusIds)
        let excluded: [Int?]? = ignoreIdenticalIds ? evaluated.map { corpusRow[$0] } : nil
        ExactSearch.warmUp(gathered, corpus)
        let start = ContinuousClock.now
        let mapped = try mapQueries.map { try $0(gathered) } ?? gathered
        let mapSeconds = seconds(since: start)
        guard mapped.rows == gathered.rows else {
            throw RetrievalError.idCountMismatch(what: "mapped queries", ids: gathered.rows, rows: mapped.rows)
        }
        let result = try search.search(
            queries: mapped, corpus: corpus, k: depth(cutoffs: cutoffs),
            tieBreak: tieBreak, excluding: excluded)
        let searchSeconds = seconds(since: start)

        var rankings = [String: [String]](minimumCapacity: evaluated.count)
        for (i, query) in evaluated.enumerated() { rankings[query] = result.ids(ofQuery: i, corpusIds: corpusIds) }
        let report = try IRMetrics.evaluate(rankings: rankings, qrels: qrels, cutoffs: cutoffs)
        let timing = EvaluationTiming(
            mapSeconds: mapSeconds, searchSeconds: searchSeconds,
            queriesPerSecond: Double(evaluated.count) / searchSeconds)
        return EvaluationRun(report: report, rankings: rankings, timing: timing, warnings: warnings)
    }

    static func checkCutoffs(_ cutoffs: [Int]) throws(RetrievalError) {
        guard !cutoffs.isEmpty else { throw .invalidCutoff(0) }
        if let bad = cutoffs.first(where: { $0 <= 0 }) { throw .invalidCutoff(bad) }
    }

    /// The qrels queries that have a relevant document and an embedding, in byte-wise id order, and
    /// the counts of what was skipped. Shared by exact evaluation and evaluation through a database.
    static func selectQueries(
        qrels: Qrels, queryRow: [String: Int], queryCount: Int, inCorpus: (String) -> Bool
    ) throws(RetrievalError) -> (evaluated: [String], warnings: EvaluationWarnings) {
        var warnings = EvaluationWarnings(
            qrelsQueries: qrels.judgments.count, queriesWithoutEmbedding: 0,
            queriesWithoutRelevant: 0, relevantDocumentsMissingFromCorpus: 0)
        var evaluated = [String]()
        for (query, judged) in qrels.judgments {
            let relevant = judged.filter { $0.value > 0 }
            if relevant.isEmpty { warnings.queriesWithoutRelevant += 1; continue }
            warnings.relevantDocumentsMissingFromCorpus += relevant.keys.filter { !inCorpus($0) }.count
            if queryRow[query] == nil { warnings.queriesWithoutEmbedding += 1; continue }
            evaluated.append(query)
        }
        evaluated.sort(by: byteWiseLess)
        guard !evaluated.isEmpty else {
            // The counts tell which side is off; the front ends add the file names they know.
            throw .empty(
                "no qrels query has both a relevant document and an embedding "
                    + "(\(warnings.qrelsQueries) qrels queries: \(warnings.queriesWithoutRelevant) without a relevant document, "
                    + "\(warnings.queriesWithoutEmbedding) whose id is not among the \(queryCount) query ids)")
        }
        return (evaluated, warnings)
    }

    static func positions(_ ids: [String], what: String) throws(RetrievalError) -> [String: Int] {
        var out = [String: Int](minimumCapacity: ids.count)
        for (i, id) in ids.enumerated() where out.updateValue(i, forKey: id) != nil {
            throw .duplicateId(what: what, id: id)
        }
        return out
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}
