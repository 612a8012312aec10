import Alignment
import Foundation
import Reports
import Retrieval

/// The checks a verdict rests on, computed here once for `era evaluate`, `era align` and the
/// pipeline's stages (and `era run --check`, for those that need only the files).
public enum SanityChecks {
    /// Names of the checks, as printed and written to metrics.json.
    public typealias Name = SanityCheck.Name

    /// Below this many queries a subset's paired test says little (its p-value swings with a query or two).
    public static let minimumQueries = 30
    /// A baseline row is near chance below this multiple of a random ranking's expected nDCG.
    public static let chanceMultiple = 3.0
    /// ... or below this fraction of the stage-one row.
    public static let stageOneFraction = 0.1
    /// How many ids a message names.
    static let namedIds = 5

    // MARK: - Qrels against the id files

    /// Qrels queries that are not in `queryIds`, and judged documents that are not in `corpusIds`
    /// (nil: the documents are not checked, e.g. a collection whose ids stay on its server).
    public static func qrelsIds(
        _ qrels: Qrels, name: String, file: String, queryIds: [String], corpusIds: [String]?
    ) -> SanityCheck {
        let knownQueries = Set(queryIds)
        let unknownQueries = qrels.judgments.keys.filter { !knownQueries.contains($0) }.sorted()
        var unknownDocuments: [String] = []
        if let corpusIds {
            let knownDocuments = Set(corpusIds)
            unknownDocuments = Set(qrels.judgments.values.flatMap(\.keys)).filter { !knownDocuments.contains($0) }
                .sorted()
        }
        guard !qrels.judgments.isEmpty else {
            // An empty file (a header, or the wrong file) makes every query "unseen" and hides a leak.
            return SanityCheck(
                name: name, status: .failed,
                detail:
                    "\(file) holds no judged query: give the qrels file with the judgments (query-id, corpus-id, score)"
            )
        }
        var problems: [String] = []
        if !unknownQueries.isEmpty {
            problems.append(
                "\(unknownQueries.count) of \(qrels.judgments.count) judged queries are not in the query ids "
                    + "(ids \(listed(unknownQueries))): they are not evaluated")
        }
        if !unknownDocuments.isEmpty {
            problems.append(
                "\(unknownDocuments.count) judged documents are not in the index ids (ids \(listed(unknownDocuments))): "
                    + "they are never retrieved and count as misses")
        }
        guard !problems.isEmpty else {
            return SanityCheck(
                name: name, status: .ok,
                detail:
                    "\(file): every judged query and document is in the id files (\(qrels.judgments.count) queries)")
        }
        return SanityCheck(
            name: name, status: .warning,
            detail: "\(file): " + problems.joined(separator: "; ") + "; check that the qrels use the ids of those files"
        )
    }

    // MARK: - Labeled queries among the evaluation queries

    /// The evaluation queries that are also labeled (sorted): a map trained on them is measured on
    /// what it was fitted to.
    public static func labeledEvaluationQueries(evaluation: Qrels, labeled: Qrels) -> [String] {
        evaluation.judgments.keys.filter { labeled.judgments[$0] != nil }.sorted()
    }

    /// Failed when evaluation queries are labeled too; with `dropped`, says how many were left out instead.
    public static func labeledNotEvaluated(
        overlap: [String], evaluationQueries: Int, dropped: Bool, labeledFile: String, evaluationFile: String,
        remedy: String
    ) -> SanityCheck {
        let name = Name.labeledNotEvaluated
        if overlap.isEmpty {
            return SanityCheck(
                name: name, status: .ok,
                detail: "no query of \(evaluationFile) is labeled in \(labeledFile)")
        }
        if dropped {
            return SanityCheck(
                name: name, status: .ok,
                detail:
                    "dropped \(overlap.count) of \(evaluationQueries) evaluation queries that are labeled in \(labeledFile) "
                    + "(ids \(listed(overlap))); \(evaluationQueries - overlap.count) left")
        }
        return SanityCheck(
            name: name, status: .failed,
            detail:
                "\(overlap.count) of \(evaluationQueries) queries of \(evaluationFile) are labeled in \(labeledFile) "
                + "(ids \(listed(overlap))): a map trained on them looks better than it is; split the queries, or \(remedy)"
        )
    }

    // MARK: - Rows near chance

    /// The expected nDCG@`k` of a uniformly random ranking of `corpusSize` documents, averaged
    /// over `queries`: at each rank every document is equally likely, so the expected DCG is the
    /// sum of the query's gains in the corpus over `corpusSize`, times the sum of the discounts;
    /// the ideal DCG is fixed per query (all judged relevant documents, as the evaluator's).
    public static func randomRankingNDCG(qrels: Qrels, queries: [String], corpusIds: [String], k: Int) -> Double? {
        let n = corpusIds.count
        guard n > 0, k > 0, !queries.isEmpty else { return nil }
        let inCorpus = Set(corpusIds)
        let discounts = (0..<min(k, n)).reduce(0.0) { $0 + 1 / log2(Double($1 + 2)) }
        var sum = 0.0
        for query in queries {
            let grades = qrels.relevantDocuments(of: query)
            let ideal = grades.values.sorted(by: >).prefix(k).enumerated().reduce(0.0) {
                $0 + Double($1.element) / log2(Double($1.offset + 2))
            }
            guard ideal > 0 else { continue }
            let gains = grades.filter { inCorpus.contains($0.key) }.values.reduce(0, +)
            sum += Double(gains) / Double(n) * discounts / ideal
        }
        return sum / Double(queries.count)
    }

    /// The expected number of `queries` that a uniformly random ranking of `corpusSize` documents
    /// gives at least one relevant document in its top `k`: the sum over queries of
    /// min(1, k r / n), r the query's relevant documents in the corpus (a union bound, so at least
    /// the exact expectation).
    public static func randomRankingHits(qrels: Qrels, queries: [String], corpusIds: [String], k: Int) -> Double? {
        let n = corpusIds.count
        guard n > 0, k > 0, !queries.isEmpty else { return nil }
        let inCorpus = Set(corpusIds)
        return queries.reduce(0.0) { sum, query in
            let relevant = qrels.relevantDocuments(of: query).filter { $0.value > 0 && inCorpus.contains($0.key) }.count
            return sum + min(1, Double(k * relevant) / Double(n))
        }
    }

    /// P(X >= `count`) for X Poisson with mean `mean`, summed from `count` up in logs.
    static func poissonTail(atLeast count: Int, mean: Double) -> Double {
        guard count > 0 else { return 1 }
        guard mean > 0 else { return 0 }
        var logTerm = -mean + Double(count) * log(mean) - lgamma(Double(count) + 1)
        var total = 0.0
        var i = count
        while true {
            let term = exp(logTerm)
            total += term
            if term < 1e-16 * max(total, 1e-300) || i > count + 100_000 { break }
            i += 1
            logTerm += log(mean) - log(Double(i))
        }
        return min(1, total)
    }

    /// A row is as good as chance when a random ranking would find a relevant document for at
    /// least as many queries as the row's mean implies with this probability or more.
    public static let chanceProbability = 0.001

    /// The fewest queries with a hit that a mean nDCG of `mean` over `queries` queries needs
    /// (ceil(mean x queries): a query's nDCG is at most 1), and the probability that a random
    /// ranking, which hits `expectedHits` queries on average, hits that many or more.
    static func chance(ofMean mean: Double, queries: Int, expectedHits: Double) -> (hits: Int, likelihood: Double) {
        let hits = Int((mean * Double(queries) - 1e-9).rounded(.up))
        return (hits, poissonTail(atLeast: hits, mean: expectedHits))
    }

    /// Failed when a baseline row or the reference row scores near chance on all queries: below
    /// ``chanceMultiple`` times a random ranking's nDCG, or below ``stageOneFraction`` of the first
    /// map's row. Nil when the table has no nDCG metric or no random expectation is known.
    ///
    /// With `randomHits` (the expected number of queries a random ranking gives a relevant document
    /// in the top k, ``randomRankingHits(qrels:queries:corpusIds:k:)``, and the number of queries), a
    /// row is also near chance when a random ranking would reach its mean as likely as
    /// ``chanceProbability`` or more: a mean of v over Q queries needs at least ceil(v Q) queries with
    /// a hit (a query's nDCG is at most 1). One lucky query among 300 with shuffled ids scored 3.7x
    /// a random ranking's mean, and a verdict followed.
    public static func referenceAboveChance(
        table: MetricsTable, randomNDCG: Double?, randomHits: (expected: Double, queries: Int)? = nil
    ) -> SanityCheck? {
        guard let metric = table.metrics.first(where: { $0.hasPrefix("ndcg@") }) else { return nil }
        func value(_ row: MetricsRow) -> Double? { row.values["all"]?[metric] }
        let checked = table.rows.filter { $0.role == .baseline || $0.name == table.comparedTo }
        guard !checked.isEmpty else { return nil }
        let stageOne = table.rows.first { $0.role == .stage && $0.name != table.comparedTo }
        let title = MetricTitle.of(metric)
        var problems: [String] = []
        for row in checked {
            guard let v = value(row) else { continue }
            if let near = nearChance(row.name, v, title: title, randomNDCG: randomNDCG, randomHits: randomHits) {
                problems.append(near)
            } else if let stageOne, row.name != stageOne.name, let s = value(stageOne), v < stageOneFraction * s {
                problems.append(
                    "\(row.name) scores \(format(v)) \(title), an order of magnitude below \(stageOne.name)'s \(format(s))"
                )
            }
        }
        let chance = randomNDCG.map { " (a random ranking: \(format($0)))" } ?? ""
        let rows = checked.compactMap { row in value(row).map { "\(row.name) \(format($0))" } }
        return chanceCheck(
            Name.referenceAboveChance, problems: problems,
            cause: "the ids may not follow the rows of the index or query files, or a query file may come from "
                + "another model than the index",
            ok: "\(rows.joined(separator: ", ")) \(title)\(chance)")
    }

    /// Failed with `problems` and their likely `cause`, or ok with `ok` when there is none.
    static func chanceCheck(_ name: String, problems: [String], cause: String, ok: String) -> SanityCheck {
        guard problems.isEmpty else {
            return SanityCheck(name: name, status: .failed, detail: problems.joined(separator: "; ") + ": " + cause)
        }
        return SanityCheck(name: name, status: .ok, detail: ok)
    }

    /// Why a row's mean `v` is near chance (``referenceAboveChance(table:randomNDCG:randomHits:)``'s
    /// first two tests), nil when it is not.
    static func nearChance(
        _ name: String, _ v: Double, title: String, randomNDCG: Double?,
        randomHits: (expected: Double, queries: Int)?
    ) -> String? {
        if let randomNDCG, v < chanceMultiple * randomNDCG {
            return "\(name) scores \(format(v)) \(title), below \(Int(chanceMultiple))x a random ranking's "
                + "\(format(randomNDCG))"
        }
        if let randomHits {
            let (hits, likelihood) = chance(ofMean: v, queries: randomHits.queries, expectedHits: randomHits.expected)
            if likelihood >= chanceProbability {
                return
                    "\(name) scores \(format(v)) \(title), as little as \(hits) of its \(randomHits.queries) queries "
                    + "finding a relevant document gives; a random ranking finds one for "
                    + "\(String(format: "%.2f", randomHits.expected)) queries on average, and for \(hits) or more "
                    + "with probability \(String(format: "%.2g", likelihood))"
            }
        }
        return nil
    }

    /// The check's name in the report.
    public static let mapsAboveChanceName = "maps-above-chance"

    /// Failed when a map's row (an align or adapt stage, an adapter) scores near chance on all queries,
    /// by the first two tests of ``referenceAboveChance(table:randomNDCG:randomHits:)``: an adapter made
    /// for another pair of models scored 0.000 and the upgrade verdict still advised switching. Nil
    /// without a map row, an nDCG metric or a random expectation.
    public static func mapsAboveChance(
        table: MetricsTable, randomNDCG: Double?, randomHits: (expected: Double, queries: Int)? = nil
    ) -> SanityCheck? {
        guard let metric = table.metrics.first(where: { $0.hasPrefix("ndcg@") }),
            randomNDCG != nil || randomHits != nil
        else { return nil }
        let maps = table.rows.filter { $0.role == .stage && $0.name != table.comparedTo }
        guard !maps.isEmpty else { return nil }
        let title = MetricTitle.of(metric)
        let problems = maps.compactMap { row in
            row.values["all"]?[metric].flatMap {
                nearChance(row.name, $0, title: title, randomNDCG: randomNDCG, randomHits: randomHits)
            }
        }
        return chanceCheck(
            mapsAboveChanceName, problems: problems,
            cause: "the map may have been made for another pair of models than these files (its adapter names "
                + "them), or the query or index ids may not follow their rows",
            ok: "\(maps.map(\.name).joined(separator: ", ")) above chance")
    }

    // MARK: - Too few queries

    /// A warning for each subset with fewer than ``minimumQueries`` queries.
    public static func enoughQueries(table: MetricsTable) -> SanityCheck? {
        guard !table.subsets.isEmpty else { return nil }
        let few = table.subsets.filter { $0.queries < minimumQueries }
        let counts = table.subsets.map { "\($0.name) \($0.queries)" }.joined(separator: ", ")
        guard !few.isEmpty else {
            return SanityCheck(name: Name.enoughQueries, status: .ok, detail: "queries: \(counts)")
        }
        let names = few.map { "\($0.name) (\($0.queries) queries)" }.joined(separator: ", ")
        return SanityCheck(
            name: Name.enoughQueries, status: .warning,
            detail:
                "\(names): fewer than \(minimumQueries) queries, so \(few.count == 1 ? "its" : "their") p-value carries little weight"
        )
    }

    // MARK: - Alignment pairs near chance

    /// Failed when the map matches its held-out pairs no better than chance: the mean reciprocal
    /// rank of each pair's own target is within 4 standard errors of a random ranking's (which
    /// is uniform over 1...h for h pairs). Nil without a held-out report.
    /// - Parameters:
    ///   - heldOut: stage one's held-out matching (pairs, mean reciprocal rank); nil: no check.
    ///   - idsFile: how to name the ids that match the rows (nil: the rows are matched by position).
    public static func alignmentAboveChance(_ heldOut: HeldOutReport?, idsFile: String?) -> SanityCheck? {
        guard let heldOut, heldOut.pairs > 1 else { return nil }
        let h = Double(heldOut.pairs)
        let ranks = (1...heldOut.pairs).map { 1 / Double($0) }
        let mean = ranks.reduce(0, +) / h
        let variance = ranks.reduce(0) { $0 + $1 * $1 } / h - mean * mean
        let threshold = mean + 4 * (variance / h).squareRoot()
        let measured =
            "on \(heldOut.pairs) held-out pairs the map ranks each pair's own target first for "
            + "\(format(heldOut.top1Accuracy * 100, digits: 1))%, mean reciprocal rank \(format(heldOut.meanReciprocalRank))"
        guard heldOut.meanReciprocalRank > threshold else {
            return SanityCheck(
                name: Name.alignmentAboveChance, status: .failed,
                detail:
                    "\(measured), no better than chance (\(format(mean))): "
                    + "the two alignment files may not hold the same texts in the same row order"
                    + (idsFile.map { " (check \($0))" } ?? "")
                    + ", or one of them may come from another model")
        }
        return SanityCheck(
            name: Name.alignmentAboveChance, status: .ok, detail: "\(measured) (chance \(format(mean)))")
    }

    // MARK: - Formatting

    static func listed(_ ids: [String]) -> String {
        let shown = ids.prefix(namedIds).joined(separator: ", ")
        return ids.count > namedIds ? shown + ", ..." : shown
    }

    static func format(_ value: Double, digits: Int = 4) -> String { String(format: "%.\(digits)f", value) }
}
