import EmbeddingIO
import LinearAlgebra
import Retrieval

/// The inputs of stage two: query embeddings (query model Q), the index (model D, never changed),
/// the *training* judgments and the stage-one map to start from.
///
/// Only `trainingQrels` is ever read for relevance: the trainer has no way to reach evaluation
/// judgments, which is what keeps them out of training (AdaptTrainerTests checks it).
public struct AdaptProblem: Sendable {
    /// `queries x p`, row i = `queryIds[i]`.
    public var queries: any RowMatrix
    public var queryIds: [String]
    /// `documents x m`, the index as it is (unit rows expected: the score is the inner product).
    public var corpus: any RowMatrix
    public var corpusIds: [String]
    /// Labeled (query, document, grade) triples available for training.
    public var trainingQrels: Qrels
    /// f1, `m x p`.
    public var stageOne: AffineMap<Float>
    /// The index model's own embeddings of the same queries (`queries x m`, same row order as `queries`),
    /// or nil. When given, every candidate and the result are hybrid maps f(x, y) = W x + V y + b
    /// (``HybridMap``; DESIGN.md, "Hybrid queries").
    public var indexQueries: (any RowMatrix)?
    /// How hard-negative mining finds candidates in the index: exact search of `corpus` unless a caller
    /// supplies another search over the same documents (e.g. the query API of the collection `corpus`
    /// was pulled from). The dev folds and training always use `corpus` itself.
    public var negativeSearch: AdaptCandidateSearch = .exact
    /// The index model cannot embed new queries (its queries, if any, only score the index as it was and
    /// are not here): stage two then defaults to the `balanced` objective with
    /// ``AdaptSettings/defaultRetiredPenalties(for:)`` and ``AdaptSettings/defaultRetiredInterpolations(for:)``.
    public var indexModelRetired = false

    public init(
        queries: any RowMatrix, queryIds: [String], corpus: any RowMatrix, corpusIds: [String],
        trainingQrels: Qrels, stageOne: AffineMap<Float>, indexQueries: (any RowMatrix)? = nil
    ) {
        self.queries = queries
        self.queryIds = queryIds
        self.corpus = corpus
        self.corpusIds = corpusIds
        self.trainingQrels = trainingQrels
        self.stageOne = stageOne
        self.indexQueries = indexQueries
    }

    /// Checks shapes and ids; returns the id -> row lookups.
    func validated() throws(AlignmentError) -> (queryRow: [String: Int], corpusRow: [String: Int]) {
        guard queryIds.count == queries.rows else {
            throw .shapeMismatch(
                operation: "stage two", expected: "\(queries.rows) query ids", got: "\(queryIds.count)")
        }
        guard corpusIds.count == corpus.rows else {
            throw .shapeMismatch(
                operation: "stage two", expected: "\(corpus.rows) corpus ids", got: "\(corpusIds.count)")
        }
        guard queries.columns == stageOne.sourceDimension else {
            throw .shapeMismatch(
                operation: "stage two", expected: "queries of \(stageOne.sourceDimension) values (the map's p)",
                got: "\(queries.columns)")
        }
        guard corpus.columns == stageOne.targetDimension else {
            throw .shapeMismatch(
                operation: "stage two", expected: "documents of \(stageOne.targetDimension) values (the map's m)",
                got: "\(corpus.columns)")
        }
        guard corpus.rows > 0 else { throw .empty(what: "corpus") }
        if let indexQueries {
            // Rows are matched by position: a different count means the two files are not the same queries.
            guard indexQueries.rows == queries.rows else {
                throw .shapeMismatch(
                    operation: "stage two",
                    expected: "\(queries.rows) index-model query rows (one per query, "
                        + "in the query file's order)", got: "\(indexQueries.rows)")
            }
            guard indexQueries.columns == stageOne.targetDimension else {
                throw .shapeMismatch(
                    operation: "stage two",
                    expected: "index-model queries of \(stageOne.targetDimension) "
                        + "values (the index's m)", got: "\(indexQueries.columns)")
            }
        }
        func lookup(_ ids: [String], _ what: String) throws(AlignmentError) -> [String: Int] {
            var out = [String: Int](minimumCapacity: ids.count)
            for (i, id) in ids.enumerated() where out.updateValue(i, forKey: id) != nil {
                throw .invalidParameter(name: what, value: id, reason: "duplicate id")
            }
            return out
        }
        return (try lookup(queryIds, "query ids"), try lookup(corpusIds, "corpus ids"))
    }
}

/// nDCG@10 of mapped queries against the index, with trec_eval's tie rule (the figure dev
/// selection and the sweep use).
struct AdaptDevScorer: Sendable {
    let corpus: any RowMatrix
    let corpusIds: [String]
    let tieBreak: TieBreak

    init(corpus: any RowMatrix, corpusIds: [String]) {
        self.corpus = corpus
        self.corpusIds = corpusIds
        tieBreak = .byteWiseIds(corpusIds)
    }

    /// Per-query nDCG@10 of `queries` (`n x p`) mapped by `map`, against `positives` (corpus rows, grade 1
    /// unless `grades` says otherwise).
    func ndcg10(map: AffineMap<Float>, queries: Matrix, judged: [[String: Int]]) throws(AlignmentError) -> [Double] {
        guard queries.rows > 0 else { return [] }
        let mapped = try map.applyNormalized(to: queries)
        let result: SearchResult
        do {
            result = try ExactSearch().search(queries: mapped, corpus: corpus, k: 10, tieBreak: tieBreak)
        } catch {
            throw .invalidParameter(name: "dev search", value: "k = 10", reason: error.description)
        }
        return ndcg10(result, judged: judged)
    }

    /// Per-query nDCG@10 of `map` and of every interpolated map (1 - t) `start` + t `map`, t in
    /// `interpolations`, on `queries` (`n x p`), from one pass over the corpus.
    ///
    /// An affine map is linear in its parameters, so the interpolated map sends x to
    /// (1 - t) start(x) + t map(x), which scores d as (1 - t) |a| (â . d) + t |b| (b̂ . d) with
    /// a = start(x), b = map(x): two gemms for every t (``ExactSearch/search(first:second:mixes:corpus:k:tieBreak:)``).
    /// `map`'s own figures are those of ``ndcg10(map:queries:judged:)`` to the bit; the interpolated
    /// ones equal scoring ``AffineMap/interpolating(from:to:t:)`` up to float rounding.
    /// - Parameter start: ``startScoring(_:queries:)`` of the start map and `queries`.
    func ndcg10(
        map: AffineMap<Float>, start: StartScoring, interpolations: [Double], queries: Matrix,
        judged: [[String: Int]]
    ) throws(AlignmentError) -> (map: [Double], interpolated: [[Double]]) {
        guard queries.rows > 0 else { return ([], interpolations.map { _ in [] }) }
        let (mapped, norms) = try map.applyNormalizedWithNorms(to: queries)
        var mixes = [
            ExactSearch.Mix(
                first: [Float](repeating: 0, count: queries.rows), second: [Float](repeating: 1, count: queries.rows))
        ]
        for t in interpolations {
            let t = Float(t)
            mixes.append(ExactSearch.Mix(first: start.norms.map { (1 - t) * $0 }, second: norms.map { t * $0 }))
        }
        let results: [SearchResult]
        do {
            if let scores = start.scores {
                results = try ExactSearch().search(
                    firstScores: scores, second: mapped, mixes: mixes, corpus: corpus, k: 10, tieBreak: tieBreak)
            } else {
                results = try ExactSearch().search(
                    first: start.mapped, second: mapped, mixes: mixes, corpus: corpus, k: 10, tieBreak: tieBreak)
            }
        } catch {
            throw .invalidParameter(name: "dev search", value: "k = 10", reason: error.description)
        }
        let scores = results.map { ndcg10($0, judged: judged) }
        return (scores[0], Array(scores.dropFirst()))
    }

    /// A start map's dev queries as interpolated candidates are scored from: normalized, with the
    /// mapped rows' lengths, and their scores against the corpus when those fit in
    /// ``cachedScoresLimit`` floats (else each evaluation scores them again).
    struct StartScoring {
        let mapped: Matrix
        let norms: [Float]
        let scores: Matrix?
    }

    /// 4 Mi floats (16 MiB) of cached start scores per fold: SciFact's dev folds (about 160 x 5,183)
    /// fit; a corpus of millions does not, and is scored again instead of held in memory.
    static let cachedScoresLimit = 1 << 22

    func startScoring(_ start: AffineMap<Float>, queries: Matrix) throws(AlignmentError) -> StartScoring {
        let (mapped, norms) = try start.applyNormalizedWithNorms(to: queries)
        guard queries.rows > 0, queries.rows * corpus.rows <= Self.cachedScoresLimit else {
            return StartScoring(mapped: mapped, norms: norms, scores: nil)
        }
        do {
            return StartScoring(
                mapped: mapped, norms: norms, scores: try ExactSearch().scores(queries: mapped, corpus: corpus))
        } catch {
            throw .invalidParameter(name: "dev search", value: "start scores", reason: error.description)
        }
    }

    private func ndcg10(_ result: SearchResult, judged: [[String: Int]]) -> [Double] {
        judged.indices.map { q in
            IRMetrics.queryMetrics(
                ranking: result.ids(ofQuery: q, corpusIds: corpusIds), judged: judged[q],
                cutoffs: [10])?["ndcg@10"] ?? 0
        }
    }
}
