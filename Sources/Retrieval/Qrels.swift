/// Relevance judgments: for each query id, the judged document ids and their grades.
///
/// A grade > 0 means relevant (graded relevance is used as the nDCG gain); grade 0
/// or negative means judged non-relevant. Parsed from BEIR TSV or TREC qrels files.
public struct Qrels: Sendable, Hashable {
    /// `judgments[queryId][docId] = grade`.
    public var judgments: [String: [String: Int]]

    /// Judgments given as `judgments[queryId][docId] = grade` (default: none).
    public init(judgments: [String: [String: Int]] = [:]) {
        self.judgments = judgments
    }
}
