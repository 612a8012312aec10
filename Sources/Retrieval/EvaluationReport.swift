import EmbeddingIO

/// Per-query values and means of IR measures over a set of queries.
///
/// Columns are aligned with ``queries`` (sorted byte-wise), so two reports over the same queries
/// can be compared pairwise (see ``PairedSignificance``).
public struct EvaluationReport: Sendable, Hashable {
    /// Metric names in report order, e.g. `["ndcg@10", "recall@10", "p@10", "mrr@10", "map@10", ...]`.
    public let metricNames: [String]
    /// Evaluated query ids, sorted byte-wise.
    public let queries: [String]
    /// `columns[metric][i]` = value of `metric` for `queries[i]`.
    public let columns: [String: [Double]]
    /// Mean of each metric over ``queries`` (0 when there are none).
    public let mean: [String: Double]

    /// A report from per-query values; the means are computed here.
    /// - Parameters:
    ///   - metricNames: the measures, in report order; each must have a column.
    ///   - queries: the evaluated query ids, in the order of the columns (callers pass them sorted
    ///     byte-wise, so that reports pair up).
    ///   - columns: `columns[metric][i]` for `queries[i]`; every named column must have
    ///     `queries.count` values (`precondition`). Extra columns are kept but not averaged.
    public init(metricNames: [String], queries: [String], columns: [String: [Double]]) {
        precondition(metricNames.allSatisfy { columns[$0]?.count == queries.count }, "ragged evaluation columns")
        self.metricNames = metricNames
        self.queries = queries
        self.columns = columns
        var mean = [String: Double]()
        for name in metricNames {
            let values = columns[name]!
            mean[name] = values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
        }
        self.mean = mean
    }

    /// Number of evaluated queries.
    public var count: Int { queries.count }

    /// Per-query values of `metric` aligned with ``queries``, or nil for an unknown name.
    public func values(of metric: String) -> [Double]? { columns[metric] }

    /// All measures of one query, or nil when it was not evaluated.
    /// - Complexity: O(queries) to find the query.
    public func metrics(ofQuery query: String) -> [String: Double]? {
        guard let i = queries.firstIndex(of: query) else { return nil }
        return Dictionary(uniqueKeysWithValues: metricNames.map { ($0, columns[$0]![i]) })
    }

    /// The same report over the evaluated queries that are in `subset` (means recomputed).
    /// - Parameter subset: query ids to keep; ids that were not evaluated are ignored, and an
    ///   empty intersection gives an empty report (every mean 0).
    public func restricted(to subset: Set<String>) -> EvaluationReport {
        let keep = queries.indices.filter { subset.contains(queries[$0]) }
        return EvaluationReport(
            metricNames: metricNames, queries: keep.map { queries[$0] },
            columns: columns.mapValues { column in keep.map { column[$0] } })
    }

    /// The "unseen documents" subset: evaluated queries none of whose relevant documents
    /// (grade > 0 in `testQrels`) is relevant to any query of `trainQrels`. These measure
    /// whether an adapter trained on `trainQrels` generalizes beyond memorizing its documents.
    /// - Parameters:
    ///   - testQrels: the judgments this report was evaluated with.
    ///   - trainQrels: the judgments the adapter was trained on.
    /// - Returns: the report restricted to those queries (means recomputed); it may be empty.
    public func unseen(testQrels: Qrels, trainQrels: Qrels) -> EvaluationReport {
        restricted(to: testQrels.queries(withNoRelevantDocumentIn: trainQrels))
    }
}

extension Qrels {
    /// Queries with at least one relevant document, none of which is relevant in `other`.
    func queries(withNoRelevantDocumentIn other: Qrels) -> Set<String> {
        let seen = other.citedDocuments
        return Set(
            judgments.keys.filter { query in
                let relevant = relevantDocuments(of: query).keys
                return !relevant.isEmpty && relevant.allSatisfy { !seen.contains($0) }
            })
    }
}
