extension Qrels {
    /// The judged query ids, sorted (so iteration order is reproducible).
    public var queryIds: [String] { judgments.keys.sorted() }

    /// The documents of `queryId` with grade > 0 (relevant), with their grades; empty when
    /// the query is unknown or has no relevant document.
    public func relevantDocuments(of queryId: String) -> [String: Int] {
        judgments[queryId]?.filter { $0.value > 0 } ?? [:]
    }

    /// Every document with grade > 0 for at least one query.
    /// - Complexity: O(number of judgments).
    public var citedDocuments: Set<String> {
        var cited = Set<String>()
        for documents in judgments.values {
            for (document, grade) in documents where grade > 0 { cited.insert(document) }
        }
        return cited
    }

    /// The judgments of the given queries only (queries without judgments are ignored).
    public func restricted(toQueries queries: some Sequence<String>) -> Qrels {
        var kept: [String: [String: Int]] = [:]
        for query in queries {
            if let documents = judgments[query] { kept[query] = documents }
        }
        return Qrels(judgments: kept)
    }

    /// Reconciles the qrels with the ids of the query and corpus embedding files.
    ///
    /// Follows BEIR: queries whose id is not among `queryIds` cannot be evaluated and are
    /// dropped, with a warning that counts them (evaluation goes on). Documents missing from
    /// `corpusIds` are **kept**: they cannot be retrieved, but still count in the recall and
    /// ideal-DCG denominators (trec_eval semantics), so dropping them would inflate the
    /// metrics; a warning counts them. Queries left without any relevant document are
    /// reported too (metric code skips them).
    /// - Parameters:
    ///   - queryIds: the ids of the query embedding rows.
    ///   - corpusIds: the ids of the corpus (index) embedding rows.
    /// - Returns: the kept qrels and human-readable warnings (empty when all ids resolve).
    /// - Complexity: O(judgments + ids).
    public func resolve(
        queryIds: some Sequence<String>, corpusIds: some Sequence<String>
    ) -> (qrels: Qrels, warnings: [String]) {
        let knownQueries = Set(queryIds)
        let knownDocuments = Set(corpusIds)
        var kept: [String: [String: Int]] = [:]
        var droppedQueries: [String] = []
        var missingDocuments = Set<String>()
        var queriesWithMissing = 0
        var withoutRelevant = 0
        for (query, documents) in judgments {
            guard knownQueries.contains(query) else {
                droppedQueries.append(query)
                continue
            }
            kept[query] = documents
            let missing = documents.keys.filter { !knownDocuments.contains($0) }
            if !missing.isEmpty {
                queriesWithMissing += 1
                missingDocuments.formUnion(missing)
            }
            if !documents.values.contains(where: { $0 > 0 }) { withoutRelevant += 1 }
        }
        var warnings: [String] = []
        if !droppedQueries.isEmpty {
            let examples = droppedQueries.sorted().prefix(5).joined(separator: ", ")
            warnings.append(
                "dropped \(droppedQueries.count) of \(judgments.count) judged queries whose id is not among the query ids (e.g. \(examples))"
            )
        }
        if !missingDocuments.isEmpty {
            let examples = missingDocuments.sorted().prefix(5).joined(separator: ", ")
            warnings.append(
                "\(missingDocuments.count) judged documents (in \(queriesWithMissing) queries) are not in the corpus (e.g. \(examples)); they are kept and count as never retrieved"
            )
        }
        if withoutRelevant > 0 {
            warnings.append(
                "\(withoutRelevant) kept queries have no relevant document (grade > 0) and will be skipped by the metrics"
            )
        }
        return (Qrels(judgments: kept), warnings)
    }
}
