import LinearAlgebra
import Retrieval

extension ScorePairs {
    /// Each query's top `neighbours` documents of `corpus` under `mapped` (the map's output for the
    /// queries), with the mapped score and `reference`'s score (the same query under another vector:
    /// the index model's own, or an earlier map's) against the same document. Both sides are scored
    /// as unit vectors, as the index is searched (the corpus as it is: unit rows expected).
    /// - Throws: ``AlignmentError`` for mismatched shapes, an empty side or a failed search.
    /// - Complexity: one exact search, O(q n m), and O(q k m) for the reference scores.
    public static func queries(
        mapped: Matrix, reference: Matrix, corpus: some RowMatrix, neighbours: Int = ScoreCalibration.defaultNeighbours
    ) throws(AlignmentError) -> ScorePairs {
        guard mapped.rows == reference.rows, mapped.columns == reference.columns, corpus.columns == mapped.columns
        else {
            throw .shapeMismatch(
                operation: "score calibration",
                expected:
                    "\(mapped.rows) x \(mapped.columns) reference queries and a corpus of \(mapped.columns) values",
                got: "\(reference.rows) x \(reference.columns) and \(corpus.columns)")
        }
        guard mapped.rows > 0 else { throw .empty(what: "score calibration queries") }
        guard corpus.rows > 0, neighbours > 0 else { throw .empty(what: "score calibration documents") }
        let queries = mapped.normalizedRows(), references = reference.normalizedRows()
        let result: SearchResult
        do { result = try ExactSearch().search(queries: queries, corpus: corpus, k: neighbours) } catch {
            throw .invalidParameter(
                name: "score calibration search", value: "k = \(neighbours)", reason: error.description)
        }
        var mappedScores = [Double](), referenceScores = [Double]()
        mappedScores.reserveCapacity(result.rows.count)
        referenceScores.reserveCapacity(result.rows.count)
        let m = corpus.columns
        corpus.withUnsafeBufferPointer { documents in
            references.withUnsafeBufferPointer { own in
                for q in 0..<queries.rows {
                    for (row, score) in zip(result.rows(ofQuery: q), result.scores(ofQuery: q)) {
                        var dot: Float = 0
                        for j in 0..<m { dot += own[q * m + j] * documents[row * m + j] }
                        mappedScores.append(Double(score))
                        referenceScores.append(Double(dot))
                    }
                }
            }
        }
        return ScorePairs(
            mapped: mappedScores, reference: referenceScores, queries: queries.rows,
            neighbours: min(neighbours, corpus.rows))
    }
}

extension ScoreCalibration {
    /// Fits on labeled queries: `pairs` from ``ScorePairs/queries(mapped:reference:corpus:neighbours:)``
    /// with the index model's own vectors of the queries as the reference.
    /// - Throws: ``AlignmentError/invalidParameter(name:value:reason:)`` when the scores do not vary.
    public static func fit(labeledQueries pairs: ScorePairs) throws(AlignmentError) -> ScoreCalibration {
        let fit = try matchingMoments(pairs, what: "the labeled queries' top documents")
        return ScoreCalibration(
            scale: fit.scale, offset: fit.offset, fittedOn: .labeledQueries, count: pairs.queries,
            neighbours: pairs.neighbours, medianAbsoluteDifferenceBefore: fit.before,
            medianAbsoluteDifferenceAfter: fit.after)
    }

    /// `earlier`, fitted for another map, carried onto this one without the index model's vectors:
    /// `pairs` holds this map's scores and the earlier map's raw scores of the same documents (the
    /// reference of ``ScorePairs/queries(mapped:reference:corpus:neighbours:)`` is the earlier map's
    /// output); the fit matches this map's scores to the earlier map's *calibrated* ones. On SciFact's
    /// test queries it left a smaller error than reusing the earlier a and b as they are
    /// (docs/upgrading.md, "Scores that keep their meaning").
    /// - Throws: ``AlignmentError/invalidParameter(name:value:reason:)`` when the scores do not vary.
    public static func carried(_ earlier: ScoreCalibration, through pairs: ScorePairs) throws(AlignmentError)
        -> ScoreCalibration
    {
        let fit = try matchingMoments(
            pairs.referenceCalibrated(by: earlier), what: "the queries' top documents under both maps")
        return ScoreCalibration(
            scale: fit.scale, offset: fit.offset, fittedOn: earlier.fittedOn, count: earlier.count,
            neighbours: pairs.neighbours, medianAbsoluteDifferenceBefore: fit.before,
            medianAbsoluteDifferenceAfter: fit.after, carriedThroughQueries: pairs.queries)
    }
}
