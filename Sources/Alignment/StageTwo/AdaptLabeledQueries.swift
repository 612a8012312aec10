import EmbeddingIO
import LinearAlgebra
import Retrieval

/// The labeled queries stage two may use: queries of the training qrels that have an embedding and
/// at least one relevant document (grade > 0) in the corpus, with those documents' corpus rows.
///
/// Built from the training qrels alone; nothing else about relevance is ever consulted.
public struct AdaptLabeledQueries: Sendable, Hashable {
    /// Query ids, sorted byte-wise (Swift's `<` on the UTF-8 code units).
    public let ids: [String]
    /// Row of each query in the query embedding matrix.
    public let queryRows: [Int]
    /// Corpus rows of each query's relevant documents (grade > 0, present in the corpus), ascending.
    public let positives: [[Int]]

    /// - Parameters:
    ///   - qrels: the training judgments; documents missing from the corpus are skipped (they cannot be positives).
    ///   - queryRow: the row of each query id in the query embedding file.
    ///   - corpusRow: the row of each document id in the corpus embedding file.
    public init(qrels: Qrels, queryRow: [String: Int], corpusRow: [String: Int]) {
        var entries = [(String, Int, [Int])]()
        for (query, judged) in qrels.judgments {
            guard let row = queryRow[query] else { continue }
            let docs = judged.compactMap { $0.value > 0 ? corpusRow[$0.key] : nil }.sorted()
            if !docs.isEmpty { entries.append((query, row, docs)) }
        }
        entries.sort { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }
        ids = entries.map(\.0)
        queryRows = entries.map(\.1)
        positives = entries.map(\.2)
    }

    init(ids: [String], queryRows: [Int], positives: [[Int]]) {
        self.ids = ids
        self.queryRows = queryRows
        self.positives = positives
    }

    public var count: Int { ids.count }

    /// The queries at `indices` (kept in the given order).
    public func subset(_ indices: [Int]) -> AdaptLabeledQueries {
        AdaptLabeledQueries(
            ids: indices.map { ids[$0] }, queryRows: indices.map { queryRows[$0] },
            positives: indices.map { positives[$0] })
    }

    /// `budget` queries drawn uniformly with `generator` (all of them when `budget` is nil or >= count),
    /// in id order. The same seed draws the same queries whatever else the run does.
    public func sample(budget: Int?, using generator: inout SplitMix64) -> AdaptLabeledQueries {
        guard let budget, budget < count else { return self }
        return subset(generator.sample(budget, from: count))
    }

    /// Groups of queries connected by shared relevant documents (union-find over queries and
    /// documents); each group is sorted and groups are ordered by their first query.
    /// A document-disjoint split moves whole groups.
    /// - Complexity: O(total positives * alpha(n)).
    public func documentGroups() -> [[Int]] {
        var parent = Array(0..<count)
        func find(_ i: Int) -> Int {
            var i = i
            while parent[i] != i { parent[i] = parent[parent[i]]; i = parent[i] }
            return i
        }
        var owner = [Int: Int]()  // corpus row -> first query citing it
        for (q, docs) in positives.enumerated() {
            for d in docs {
                if let other = owner[d] {
                    let (a, b) = (find(q), find(other))
                    if a != b { parent[max(a, b)] = min(a, b) }
                } else {
                    owner[d] = q
                }
            }
        }
        var groups = [Int: [Int]]()
        for q in 0..<count { groups[find(q), default: []].append(q) }
        return groups.values.sorted { $0[0] < $1[0] }
    }

    /// Splits query indices into `folds` dev sets.
    ///
    /// Document-disjoint: groups (``documentGroups()``) are shuffled and dealt greedily to the fold
    /// with the fewest queries, so no document relevant to a dev query is relevant to a query outside
    /// its fold. Random: queries are shuffled and dealt round-robin. With `folds == 1` the single dev
    /// set takes groups (or queries) until it holds at least `devCount` queries.
    public func devSets(folds: Int, devCount: Int, split: AdaptDevSplit, using generator: inout SplitMix64) -> [[Int]] {
        precondition(folds >= 1, "at least one fold")
        let units: [[Int]] =
            switch split {
            case .documentDisjoint: documentGroups()
            case .random: (0..<count).map { [$0] }
            }
        let order = generator.permutation(units.count)
        if folds == 1 {
            var dev = [Int]()
            for u in order where dev.count < devCount { dev += units[u] }
            return [dev.sorted()]
        }
        var sets = [[Int]](repeating: [], count: folds)
        for u in order {
            let smallest = sets.indices.min { sets[$0].count < sets[$1].count }!
            sets[smallest] += units[u]
        }
        return sets.map { $0.sorted() }.filter { !$0.isEmpty }
    }
}
