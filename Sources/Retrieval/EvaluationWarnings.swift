/// Counts of qrels queries left out of an evaluation (reported, never printed).
public struct EvaluationWarnings: Sendable, Hashable {
    /// Queries in the qrels.
    public var qrelsQueries: Int
    /// Qrels queries with a relevant document but no embedding (no row in the query matrix).
    public var queriesWithoutEmbedding: Int
    /// Qrels queries without any document of grade > 0.
    public var queriesWithoutRelevant: Int
    /// Relevant (query, document) pairs whose document is not in the corpus; they still count
    /// in recall and ideal DCG, as in trec_eval.
    public var relevantDocumentsMissingFromCorpus: Int

    /// Human-readable lines for the non-zero counts.
    public var messages: [String] {
        var out = [String]()
        if queriesWithoutEmbedding > 0 {
            out.append("\(queriesWithoutEmbedding) qrels queries skipped: no query embedding")
        }
        if queriesWithoutRelevant > 0 {
            out.append("\(queriesWithoutRelevant) qrels queries skipped: no relevant document")
        }
        if relevantDocumentsMissingFromCorpus > 0 {
            out.append(
                "\(relevantDocumentsMissingFromCorpus) relevant judgments name documents missing from the corpus")
        }
        return out
    }
}
