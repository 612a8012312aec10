import Alignment
import EmbeddingIO
import LinearAlgebra
import Retrieval
import Testing
import _TestSupport

/// Labeled queries, dev splits and hard-negative mining.
@Suite struct AdaptDataTests {
    /// 60 queries over 40 documents; consecutive queries often share documents, so groups form.
    static func labeled() -> AdaptLabeledQueries {
        var judgments = [String: [String: Int]]()
        for q in 0..<60 {
            var docs = ["d\((q * 7) % 40)": 1]
            if q % 3 == 0 { docs["d\(((q + 1) * 7) % 40)"] = 2 }
            if q % 10 == 9 { docs["missing\(q)"] = 1 }  // not in the corpus: never a positive
            judgments["q\(q)"] = docs
        }
        judgments["q0"]!["d33"] = 0  // judged non-relevant: not a positive
        judgments["no-embedding"] = ["d1": 1]
        let queryRow = Dictionary(uniqueKeysWithValues: (0..<60).map { ("q\($0)", $0) })
        let corpusRow = Dictionary(uniqueKeysWithValues: (0..<40).map { ("d\($0)", $0) })
        return AdaptLabeledQueries(qrels: Qrels(judgments: judgments), queryRow: queryRow, corpusRow: corpusRow)
    }

    @Test func labeledQueriesKeepOnlyRelevantDocumentsInTheCorpus() {
        let l = Self.labeled()
        #expect(l.count == 60)
        #expect(!l.ids.contains("no-embedding"))
        let q0 = l.ids.firstIndex(of: "q0")!
        #expect(l.positives[q0] == [0, 7])
        #expect(l.positives.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0 < 40 } })
    }

    @Test(arguments: [1, 5])
    func documentDisjointDevSetsShareNoDocumentWithTraining(folds: Int) {
        let l = Self.labeled()
        var g = SplitMix64(seed: 7)
        let sets = l.devSets(folds: folds, devCount: 12, split: .documentDisjoint, using: &g)
        #expect(sets.count == folds)
        if folds == 1 { #expect(sets[0].count >= 12) }
        if folds > 1 { #expect(sets.flatMap { $0 }.sorted() == Array(0..<60)) }
        for dev in sets {
            let devDocs = Set(dev.flatMap { l.positives[$0] })
            let devSet = Set(dev)
            let trainDocs = Set((0..<60).filter { !devSet.contains($0) }.flatMap { l.positives[$0] })
            #expect(devDocs.isDisjoint(with: trainDocs))
        }
    }

    /// The same data split at random does put dev and training queries on shared documents
    /// (so the disjointness above is the split's doing, not the data's).
    @Test func randomDevSetsDoShareDocuments() {
        let l = Self.labeled()
        var g = SplitMix64(seed: 7)
        let dev = l.devSets(folds: 1, devCount: 12, split: .random, using: &g)[0]
        #expect(dev.count == 12)
        let devSet = Set(dev)
        let trainDocs = Set((0..<60).filter { !devSet.contains($0) }.flatMap { l.positives[$0] })
        #expect(!Set(dev.flatMap { l.positives[$0] }).isDisjoint(with: trainDocs))
    }

    /// One query along e0 with positive d0 (score 0.8): candidates above 0.95 x 0.8 = 0.76 are skipped as
    /// likely unlabeled positives, labeled positives never appear, the rest come hardest first.
    @Test func miningSkipsLikelyPositivesAndKeepsTheHardest() throws {
        let scores: [Float] = [0.8, 0.9, 0.77, 0.75, 0.7, 0.5, 0.3, 0.6, 0.1]
        var corpus = Matrix(rows: scores.count, columns: 2)
        for (i, s) in scores.enumerated() {
            corpus[i, 0] = s
            corpus[i, 1] = (1 - s * s).squareRoot()
        }
        let query = Matrix([[1, 0]])
        let pools = try AdaptNegativePools.mine(
            mappedQueries: query, corpus: corpus, positives: [[0, 7]], pool: 9,
            keep: 3, margin: 0.95)
        // Positive d0 (0.8): skip d1 (0.9), d2 (0.77), d7 (labeled); keep d3, d4, d5.
        #expect(pools.pools[0][0] == [3, 4, 5])
        // Positive d7 (0.6): threshold 0.57, so d5 (0.5), d6 (0.3), d8 (0.1).
        #expect(pools.pools[0][1] == [5, 6, 8])
    }
}
