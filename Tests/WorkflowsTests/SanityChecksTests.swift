import Alignment
import Foundation
import LinearAlgebra
import Retrieval
import Testing
import _TestSupport

@testable import Reports
@testable import Workflows

/// The checks one by one, on small hand-made inputs: each fails where it should and passes where
/// it should not fail.
@Suite struct SanityChecksTests {
    /// The closed form against every ordering of a small corpus, enumerated.
    @Test func randomRankingNDCGIsTheMeanOverEveryOrdering() throws {
        let qrels = Qrels(judgments: ["q": ["a": 2, "b": 1, "x": 1, "c": 0]])  // x: not in the corpus
        let corpus = ["a", "b", "c", "d", "e"]
        let k = 2
        func permutations(_ items: [String]) -> [[String]] {
            guard items.count > 1 else { return [items] }
            return items.indices.flatMap { i -> [[String]] in
                var rest = items
                let first = rest.remove(at: i)
                return permutations(rest).map { [first] + $0 }
            }
        }
        let rankings = permutations(corpus)
        let mean =
            rankings.reduce(0.0) {
                $0
                    + (IRMetrics.queryMetrics(ranking: $1, judged: qrels.judgments["q"]!, cutoffs: [k])?["ndcg@2"]
                        ?? .nan)
            } / Double(rankings.count)
        let closed = try #require(SanityChecks.randomRankingNDCG(qrels: qrels, queries: ["q"], corpusIds: corpus, k: k))
        #expect(abs(closed - mean) < 1e-12, "closed form \(closed), enumerated \(mean)")
    }

    static func table(reference: Double, stageOne: Double, unseen: Int = 104) -> MetricsTable {
        MetricsTable(
            metrics: ["ndcg@10"],
            subsets: [
                QuerySubset(name: "all", queries: 300, description: ""),
                QuerySubset(name: "unseen", queries: unseen, description: ""),
            ],
            rows: [
                MetricsRow(name: "index-as-is", role: .baseline, values: ["all": ["ndcg@10": reference]]),
                MetricsRow(name: "align", role: .stage, values: ["all": ["ndcg@10": stageOne]]),
            ], comparedTo: "index-as-is")
    }

    @Test func aReferenceNearChanceFails() throws {
        let nearChance = try #require(
            SanityChecks.referenceAboveChance(table: Self.table(reference: 0.0011, stageOne: 0.02), randomNDCG: 0.0009))
        #expect(nearChance.status == .failed)
        #expect(nearChance.detail.hasPrefix("index-as-is scores 0.0011 nDCG@10, below 3x a random ranking's 0.0009"))
        let belowStageOne = try #require(
            SanityChecks.referenceAboveChance(table: Self.table(reference: 0.04, stageOne: 0.6), randomNDCG: 0.0009))
        #expect(belowStageOne.status == .failed && belowStageOne.detail.contains("an order of magnitude below align"))
        let fine = try #require(
            SanityChecks.referenceAboveChance(table: Self.table(reference: 0.58, stageOne: 0.6), randomNDCG: 0.0009))
        #expect(fine.status == .ok)
    }

    /// A map at chance (an adapter for another pair of models) fails; one above chance passes; the
    /// reference row is the other check's.
    @Test func aMapNearChanceFails() throws {
        let atChance = try #require(
            SanityChecks.mapsAboveChance(
                table: Self.table(reference: 0.6, stageOne: 0.0), randomNDCG: 0.0009, randomHits: (0.65, 300)))
        #expect(atChance.status == .failed, "\(atChance.detail)")
        #expect(atChance.detail.hasPrefix("align scores 0.0000 nDCG@10, below 3x"), "\(atChance.detail)")
        #expect(atChance.detail.contains("another pair of models"))
        let lucky = try #require(
            SanityChecks.mapsAboveChance(
                table: Self.table(reference: 0.6, stageOne: 0.0033), randomNDCG: 0.0009, randomHits: (0.65, 300)))
        #expect(
            lucky.status == .failed && lucky.detail.contains("as little as 1 of its 300 queries"), "\(lucky.detail)")
        let fine = try #require(
            SanityChecks.mapsAboveChance(table: Self.table(reference: 0.6, stageOne: 0.5), randomNDCG: 0.0009))
        #expect(fine.status == .ok && fine.detail == "align above chance")
        #expect(SanityChecks.mapsAboveChance(table: Self.table(reference: 0.6, stageOne: 0.5), randomNDCG: nil) == nil)
    }

    /// Shuffled query ids: one lucky query of 300 put the index as it is at 3.7x a random ranking's
    /// mean, above the multiple, and a verdict followed. A mean that one or two hits give is as
    /// likely as not under a random ranking (0.65 hits expected here, SciFact's test queries).
    @Test func aReferenceOneLuckyQueryExplainsFails() throws {
        let table = Self.table(reference: 0.0033, stageOne: 0.02)
        let lucky = try #require(
            SanityChecks.referenceAboveChance(table: table, randomNDCG: 0.0009, randomHits: (0.65, 300)))
        #expect(lucky.status == .failed)
        #expect(
            lucky.detail.contains("as little as 1 of its 300 queries finding a relevant document gives"),
            "\(lucky.detail)")
        #expect(lucky.detail.contains("with probability 0.48"), "\(lucky.detail)")
        // Without the hits the multiple alone lets it pass, as before.
        #expect(SanityChecks.referenceAboveChance(table: table, randomNDCG: 0.0009)?.status == .ok)
        // A poor index that finds documents for 6 queries is not chance (p about 1e-5).
        let poor = SanityChecks.referenceAboveChance(
            table: Self.table(reference: 0.02, stageOne: 0.03), randomNDCG: 0.0009, randomHits: (0.65, 300))
        #expect(poor?.status == .ok)
        // Typed once: the literals' types inferred inside #expect took the compiler over a second.
        let tailOfOne: Double = 1 - exp(-0.65), tailOfThree: Double = 1 - exp(-2.0) * 5.0
        #expect(abs(SanityChecks.poissonTail(atLeast: 1, mean: 0.65) - tailOfOne) < 1e-12)
        #expect(abs(SanityChecks.poissonTail(atLeast: 3, mean: 2) - tailOfThree) < 1e-12)
        #expect(SanityChecks.poissonTail(atLeast: 0, mean: 2) == 1)
    }

    @Test func fewQueriesWarnAndTheVerdictSaysSo() throws {
        let check = try #require(
            SanityChecks.enoughQueries(table: Self.table(reference: 0.5, stageOne: 0.6, unseen: 17)))
        #expect(check.status == .warning && check.detail.hasPrefix("unseen (17 queries): fewer than 30"))
        #expect(SanityChecks.enoughQueries(table: Self.table(reference: 0.5, stageOne: 0.6))?.status == .ok)
        let verdict = try #require(Verdict.of(VerdictTests.table(delta: 0.14, p: 0.0001), checks: [check]))
        #expect(verdict.decision == .use)
        #expect(
            verdict.recommendation.hasSuffix(
                "; unseen (17 queries): fewer than 30 queries, so its p-value carries little weight"))
    }

    @Test func aFailedCheckWithholdsTheVerdict() throws {
        let failed = SanityCheck(name: "reference-above-chance", status: .failed, detail: "index-as-is scores 0.0011")
        let warned = SanityCheck(name: "evaluation-qrels-ids", status: .warning, detail: "1 unknown")
        let verdict = try #require(
            Verdict.of(VerdictTests.table(delta: 0.14, p: 0.0001), checks: [warned, failed, failed]))
        #expect(verdict.decision == .withheld && verdict.best == "index-as-is")
        #expect(
            verdict.recommendation
                == "withheld: the check reference-above-chance failed: index-as-is scores 0.0011 (and 1 more failed check)"
        )
        #expect(Verdict.of(VerdictTests.table(delta: 0.14, p: 0.0001), checks: [warned])?.decision == .use)
    }

    @Test func labeledEvaluationQueriesAreCountedAndNamed() {
        let evaluation = Qrels(judgments: ["q1": ["d": 1], "q2": ["d": 1], "q3": ["d": 1]])
        let labeled = Qrels(judgments: ["q3": ["e": 1], "q1": ["e": 1], "q9": ["e": 1]])
        let overlap = SanityChecks.labeledEvaluationQueries(evaluation: evaluation, labeled: labeled)
        #expect(overlap == ["q1", "q3"])
        let failed = SanityChecks.labeledNotEvaluated(
            overlap: overlap, evaluationQueries: 3, dropped: false, labeledFile: "L", evaluationFile: "E", remedy: "R")
        #expect(
            failed.status == .failed && failed.detail.hasPrefix("2 of 3 queries of E are labeled in L (ids q1, q3)"))
        let dropped = SanityChecks.labeledNotEvaluated(
            overlap: overlap, evaluationQueries: 3, dropped: true, labeledFile: "L", evaluationFile: "E", remedy: "R")
        #expect(dropped.status == .ok && dropped.detail.hasSuffix("; 1 left"))
        #expect(
            SanityChecks.labeledNotEvaluated(
                overlap: [], evaluationQueries: 3, dropped: false, labeledFile: "L", evaluationFile: "E", remedy: "R"
            ).status == .ok)
    }

    /// Chance for h pairs: mean reciprocal rank H_h / h; a map at chance fails, a real one passes.
    @Test func alignmentAtChanceFails() throws {
        let h = 100
        let chance = (1...h).reduce(0.0) { $0 + 1 / Double($1) } / Double(h)
        let atChance = HeldOutReport(
            pairs: h, meanCosine: 0.1, top1Accuracy: 0.01, top10Accuracy: 0.1, meanReciprocalRank: chance)
        let failed = try #require(SanityChecks.alignmentAboveChance(atChance, idsFile: "data.alignment.ids (a.txt)"))
        #expect(failed.status == .failed && failed.detail.contains("no better than chance"))
        let real = HeldOutReport(
            pairs: h, meanCosine: 0.6, top1Accuracy: 0.55, top10Accuracy: 0.9, meanReciprocalRank: 0.66)
        #expect(SanityChecks.alignmentAboveChance(real, idsFile: nil)?.status == .ok)
        #expect(SanityChecks.alignmentAboveChance(nil, idsFile: nil) == nil)
    }

    @Test func unknownQrelsIdsAreCountedAndNamed() {
        let qrels = Qrels(judgments: ["q1": ["d1": 1, "dX": 1], "qX": ["d1": 1]])
        let check = SanityChecks.qrelsIds(qrels, name: "n", file: "F", queryIds: ["q1"], corpusIds: ["d1"])
        #expect(check.status == .warning)
        #expect(check.detail.contains("1 of 2 judged queries are not in the query ids (ids qX)"))
        #expect(check.detail.contains("1 judged documents are not in the index ids (ids dX)"))
        #expect(
            SanityChecks.qrelsIds(qrels, name: "n", file: "F", queryIds: ["q1", "qX"], corpusIds: nil).status == .ok)
    }

    /// An empty qrels file (`--unseen-against` given a header-only file) was "ok": every query then
    /// counted as unseen and no leak could be found. It fails, which withholds the verdict.
    @Test func anEmptyQrelsFileFails() {
        let check = SanityChecks.qrelsIds(
            Qrels(judgments: [:]), name: "labeled-qrels-ids", file: "--unseen-against train.tsv", queryIds: ["q1"],
            corpusIds: ["d1"])
        #expect(check.status == .failed)
        #expect(
            check.detail
                == "--unseen-against train.tsv holds no judged query: give the qrels file with the judgments (query-id, corpus-id, score)"
        )
    }

    @Test func checksOfOneNameMergeToTheWorst() {
        let merged = SanityCheck.merged([
            SanityCheck(name: "a", status: .ok, detail: "fine"),
            SanityCheck(name: "b", status: .ok, detail: "b"),
            SanityCheck(name: "a", status: .failed, detail: "broken"),
        ])
        #expect(merged.map(\.name) == ["a", "b"])
        #expect(merged[0].status == .failed && merged[0].detail == "broken; fine")
    }
}

/// The same id in two files of one model names the same vector (the alignment texts' index-model
/// vectors against the index's): 10% of the corpus ids permuted moved every figure and a verdict
/// followed, while each file was fine on its own.
@Suite struct SameIdsSameVectorsTests {
    @Test func permutedIdsFailAndCopiesPass() throws {
        var g = SeededGenerator(seed: 96)
        let corpus = Matrix.randomNormal(rows: 500, columns: 8, using: &g)
        let ids = (0..<500).map { "d\($0)" }
        // The alignment texts: 200 documents of the corpus, in another order, as float16 would round them.
        let picked = (0..<200).map { ($0 * 7) % 500 }
        var alignment = corpus.gatherRows(picked)
        for k in 0..<alignment.count { alignment.storage[k] = Float(Float16(alignment.storage[k])) }
        let alignmentIds = picked.map { "d\($0)" }
        let fine = try #require(
            SanityChecks.sameIdsSameVectors((alignment, alignmentIds, "A"), (corpus, ids, "I")))
        #expect(fine.status == .ok && fine.detail.hasPrefix("200 ids in both A and I"), "\(fine.detail)")
        // 10% of the corpus ids swapped in pairs.
        var permuted = ids
        for k in stride(from: 0, to: 50, by: 2) { permuted.swapAt(k * 10, k * 10 + 10) }
        let bad = try #require(SanityChecks.sameIdsSameVectors((alignment, alignmentIds, "A"), (corpus, permuted, "I")))
        #expect(bad.status == .failed, "\(bad.detail)")
        #expect(bad.detail.contains("one of the id files does not follow the rows"), "\(bad.detail)")
        // No shared id, or another width: nothing to say.
        #expect(
            SanityChecks.sameIdsSameVectors((alignment, alignmentIds.map { "x" + $0 }, "A"), (corpus, ids, "I")) == nil)
        #expect(
            SanityChecks.sameIdsSameVectors((alignment, alignmentIds, "A"), (Matrix(rows: 500, columns: 4), ids, "I"))
                == nil)
    }
}

@Suite struct IndexQueriesRowOrderTests {
    /// Planted queries: the index model's vectors are the map's image with noise (cosine about 0.9).
    struct Planted {
        let n = 300, p = 24, m = 16
        let x: Matrix, y: Matrix, map: AffineMap<Float>
        let ids: [String]
        let corpus: Matrix

        init() throws {
            var g = SeededGenerator(seed: 11)
            x = Matrix.randomNormal(rows: n, columns: p, using: &g)
            map = try AffineMap(
                weight: Matrix.randomNormal(rows: m, columns: p, using: &g), bias: [Float](repeating: 0, count: m))
            var y = try map.apply(to: x)
            let noise = Matrix.randomNormal(rows: n, columns: m, using: &g)
            for k in 0..<y.count { y.storage[k] += 2 * noise.storage[k] }
            self.y = y
            ids = (0..<n).map { "q\($0)" }
            corpus = Matrix(rows: 1, columns: m)
        }

        func rows(_ own: Matrix, map: AffineMap<Float>?) -> [EvaluateWorkflow.Row] {
            [
                EvaluateWorkflow.Row(name: EvaluateWorkflow.indexAsIs, role: .baseline, queries: own, corpus: corpus),
                EvaluateWorkflow.Row(name: "adapt", role: .stage, queries: x, corpus: corpus, map: map),
            ]
        }

        /// `own` with `rows` each holding the next one's vector (a cycle, or a block shifted by one).
        func moved(_ rows: [Int], cycle: Bool = true) -> Matrix {
            var out = y
            for (k, row) in rows.enumerated() {
                let from = cycle ? rows[(k + 1) % rows.count] : row + 1
                for j in 0..<m { out[row, j] = y[from, j] }
            }
            return out
        }

        func check(_ own: Matrix, map: AffineMap<Float>?, evaluated: [String]? = nil) throws -> SanityCheck? {
            try SanityChecks.indexQueriesFollowIds(rows(own, map: map), queryIds: ids, evaluated: evaluated ?? ids)
        }
    }

    @Test func rowsOutOfOrderInPlacesFail() throws {
        let t = try Planted()
        let fine = try #require(try t.check(t.y, map: t.map))
        #expect(fine.status == .ok, "\(fine.detail)")
        #expect(fine.detail.contains("300 evaluated queries, through adapt"), "\(fine.detail)")
        let cycled = try #require(try t.check(t.moved(Array(stride(from: 3, to: t.n, by: 10))), map: t.map))
        #expect(cycled.status == .failed && cycled.detail.contains("do not follow the query ids"), "\(cycled.detail)")
        #expect(cycled.detail.contains("(query ids q"), "\(cycled.detail)")
        // A block of 15 rows shifted by one (an off-by-one in part of an export).
        let shifted = try #require(try t.check(t.moved(Array(100..<115), cycle: false), map: t.map))
        #expect(shifted.status == .failed, "\(shifted.detail)")
        // 2% of the rows moved: short of failing, but a warning that names them, which the verdict repeats.
        let few = try #require(try t.check(t.moved([20, 70, 120, 170, 220, 270]), map: t.map))
        #expect(few.status == .warning && few.detail.contains("may belong to other queries"), "\(few.detail)")
        #expect(few.detail.contains("(query ids q"), "\(few.detail)")
        let verdict = try #require(Verdict.of(VerdictTests.table(delta: 0.14, p: 0.0001), checks: [few]))
        #expect(verdict.decision == .use && verdict.recommendation.contains("may belong to other queries"))
        // One row moved (two rows outside at most): no warning.
        #expect(try t.check(t.moved([20, 70]), map: t.map)?.status == .ok)
    }

    /// Only the evaluated queries count: rows no evaluation reads do not fail it, and the evaluated
    /// ones that are moved do, among the whole file.
    @Test func theEvaluatedQueriesAreWhatIsChecked() throws {
        let t = try Planted()
        let movedElsewhere = t.moved(Array(stride(from: 200, to: 300, by: 2)))
        let evaluated = (0..<100).map { "q\($0)" }
        #expect(try t.check(movedElsewhere, map: t.map, evaluated: evaluated)?.status == .ok)
        let movedAmongEvaluated = t.moved(Array(stride(from: 1, to: 100, by: 12)))
        let bad = try #require(try t.check(movedAmongEvaluated, map: t.map, evaluated: evaluated))
        #expect(bad.status == .failed && bad.detail.hasPrefix("100 evaluated queries"), "\(bad.detail)")
    }

    /// An all-zero row or copies of one vector fail; a map that matches nothing cannot judge; no map,
    /// no check; a hybrid map is judged by its query-model part.
    @Test func zerosCopiesWeakMapsAndHybrids() throws {
        let t = try Planted()
        var zeroed = t.y
        for j in 0..<t.m { zeroed[7, j] = 0 }
        let zero = try #require(try t.check(zeroed, map: t.map))
        #expect(zero.status == .failed && zero.detail.contains("1 have an all-zero index-model vector (query ids q7)"))
        let copies = Matrix(rows: t.n, columns: t.m, repeating: 0.5)
        #expect(try t.check(copies, map: t.map)?.status != .ok)
        var g = SeededGenerator(seed: 2)
        let unrelated = try AffineMap(
            weight: Matrix.randomNormal(rows: t.m, columns: t.p, using: &g), bias: [Float](repeating: 0, count: t.m))
        // A map that matches nothing cannot vouch for the rows: the check fails, naming both causes
        // (an adapter of another pair of models also fails maps-above-chance).
        let unvouched = try #require(try t.check(t.moved([3, 13, 23, 33, 43, 53]), map: unrelated))
        #expect(unvouched.status == .failed && unvouched.detail.contains("does not map into this index model's space"))
        // Most rows shuffled lower the share below the line; they fail instead of leaving no check
        // (75% of an index-model query file permuted gave a "switch" verdict with no check).
        var g75 = SeededGenerator(seed: 12)
        let most = Array(0..<t.n).filter { _ in Double.random(in: 0..<1, using: &g75) < 0.75 }
        let shuffled = try #require(try t.check(t.moved(most), map: t.map))
        #expect(shuffled.status == .failed, "\(shuffled.detail)")
        #expect(try t.check(t.y, map: nil) == nil)
        // f(x, y) = W x + 0.1 y: its W part is the planted map.
        var weight = Matrix(rows: t.m, columns: t.p + t.m)
        for i in 0..<t.m {
            for j in 0..<t.p { weight[i, j] = t.map.weight[i, j] }
            weight[i, t.p + i] = 0.1
        }
        let hybridMap = try AffineMap(weight: weight, bias: [Float](repeating: 0, count: t.m))
        func hybridRows(_ own: Matrix) -> [EvaluateWorkflow.Row] {
            var xy = Matrix(rows: t.n, columns: t.p + t.m)
            for i in 0..<t.n {
                for j in 0..<t.p { xy[i, j] = t.x[i, j] }
                for j in 0..<t.m { xy[i, t.p + j] = own[i, j] }
            }
            var row = EvaluateWorkflow.Row(name: "hybrid", role: .stage, queries: xy, corpus: t.corpus, map: hybridMap)
            row.readsIndexQueries = true
            return [t.rows(own, map: nil)[0], row]
        }
        let moved = t.moved(Array(stride(from: 3, to: t.n, by: 10)))
        let hybrid = try #require(
            try SanityChecks.indexQueriesFollowIds(hybridRows(moved), queryIds: t.ids, evaluated: t.ids))
        #expect(hybrid.status == .failed && hybrid.detail.contains("through hybrid (its query-model part)"))
        let fine = try #require(
            try SanityChecks.indexQueriesFollowIds(hybridRows(t.y), queryIds: t.ids, evaluated: t.ids))
        #expect(fine.status == .ok, "\(fine.detail)")
        // Without an index-as-is row the hybrid's own y part is checked (a hybrid trained on shuffled
        // rows got "use adapt" with no check).
        let hybridOnly = try #require(
            try SanityChecks.indexQueriesFollowIds(
                Array(hybridRows(moved).dropFirst()), queryIds: t.ids, evaluated: t.ids))
        #expect(hybridOnly.status == .failed, "\(hybridOnly.detail)")
        let hybridOnlyFine = try #require(
            try SanityChecks.indexQueriesFollowIds(
                Array(hybridRows(t.y).dropFirst()), queryIds: t.ids, evaluated: t.ids))
        #expect(hybridOnlyFine.status == .ok, "\(hybridOnlyFine.detail)")
    }

    /// The judgement of counts: a good map tolerates 2% outside the nearest quarter, a weaker one 10%,
    /// one below 30% in the top 1% does not judge; at least 20 rows.
    @Test func theToleranceFollowsTheMap() {
        #expect(SanityChecks.rowOrderBroken(outside: 6, matched: 290, checked: 300) == false)
        #expect(SanityChecks.rowOrderBroken(outside: 7, matched: 290, checked: 300) == true)
        #expect(SanityChecks.rowOrderBroken(outside: 4, matched: 100, checked: 100) == true)
        #expect(SanityChecks.rowOrderBroken(outside: 14, matched: 170, checked: 300) == false)
        #expect(SanityChecks.rowOrderBroken(outside: 40, matched: 170, checked: 300) == true)
        #expect(SanityChecks.rowOrderBroken(outside: 150, matched: 80, checked: 300) == nil)
        #expect(SanityChecks.rowOrderBroken(outside: 10, matched: 19, checked: 19) == nil)
    }

    /// Stage one's held-out pairs: a warning on the same judgement; nothing from an old report.
    @Test func alignmentPairsThatDoNotMatchWarn() throws {
        func report(top: Double?, outside: Double?, pairs: Int = 500) -> HeldOutReport {
            HeldOutReport(
                pairs: pairs, meanCosine: 0.5, top1Accuracy: 0.8, top10Accuracy: 0.9, meanReciprocalRank: 0.85,
                topPercentAccuracy: top, outsideQuarterFraction: outside)
        }
        #expect(SanityChecks.alignmentPairsMatch(report(top: 0.99, outside: 0), idsFile: nil)?.status == .ok)
        #expect(SanityChecks.alignmentPairsMatch(report(top: 0.9, outside: 0.02), idsFile: nil)?.status == .ok)
        let moved = try #require(SanityChecks.alignmentPairsMatch(report(top: 0.9, outside: 0.05), idsFile: "ids.txt"))
        #expect(moved.status == .warning, "\(moved.detail)")
        #expect(moved.detail.contains("25 outside the nearest quarter") && moved.detail.contains("check ids.txt"))
        // 60% of the pairs moved: few in the top 1%, many outside; still a warning.
        #expect(SanityChecks.alignmentPairsMatch(report(top: 0.4, outside: 0.45), idsFile: nil)?.status == .warning)
        #expect(SanityChecks.alignmentPairsMatch(report(top: 0.1, outside: 0.7), idsFile: nil) == nil)
        #expect(SanityChecks.alignmentPairsMatch(report(top: nil, outside: nil), idsFile: nil) == nil)
        #expect(SanityChecks.alignmentPairsMatch(nil, idsFile: nil) == nil)
    }

    /// The held-out report counts both from the ranks: a map that is the identity on its own pairs,
    /// with a tenth of the targets moved along a cycle.
    @Test func heldOutReportCountsOutsideTheNearestQuarter() throws {
        var g = SeededGenerator(seed: 5)
        let h = 200, d = 12
        let sources = Matrix.randomNormal(rows: h, columns: d, using: &g)
        var targets = sources
        let moved = Array(stride(from: 0, to: h, by: 10))
        for (k, row) in moved.enumerated() {
            let from = moved[(k + 1) % moved.count]
            for j in 0..<d { targets[row, j] = sources[from, j] }
        }
        let map = try AffineMap(weight: Matrix.identity(d), bias: [Float](repeating: 0, count: d))
        let fine = try HeldOutReport.measure(map: map, sources: sources, targets: sources)
        #expect(fine.topPercentAccuracy == 1 && fine.outsideQuarterFraction == 0)
        let report = try HeldOutReport.measure(map: map, sources: sources, targets: targets)
        #expect(report.topPercentAccuracy == 0.9)
        let outside = try #require(report.outsideQuarterFraction)
        #expect(outside > 0.03 && outside <= 0.1, "\(outside)")
    }

    /// The index's rows: unit length is ok; all-zero rows and other lengths warn, each said.
    @Test func indexRowsThatDidNotEmbedOrAreNotUnitLengthWarn() throws {
        var g = SeededGenerator(seed: 8)
        var unit = Matrix.randomNormal(rows: 40, columns: 6, using: &g).normalizedRows()
        #expect(SanityChecks.indexRows(unit)?.status == .ok)
        for j in 0..<6 { unit[7, j] = 0 }
        let zero = try #require(SanityChecks.indexRows(unit))
        #expect(
            zero.status == .warning && zero.detail.hasPrefix("1 of 40 rows is all zero (rows 7, from 0)"),
            "\(zero.detail)")
        #expect(!zero.detail.contains("unit length"), "\(zero.detail)")
        let raw = Matrix.randomNormal(rows: 40, columns: 6, using: &g)
        let lengths = try #require(SanityChecks.indexRows(raw))
        #expect(lengths.status == .warning && lengths.detail.contains("not unit length"), "\(lengths.detail)")
        #expect(SanityChecks.indexRows(Matrix(rows: 0, columns: 6)) == nil)
    }

    /// A row of finite values near the Float limit (its length overflows) fails: its scores are
    /// infinite or NaN (it only warned, and moved the index's nDCG@10 by 0.08); a merely long one warns.
    @Test func aRowWhoseScoresOverflowFails() throws {
        var g = SeededGenerator(seed: 9)
        var rows = Matrix.randomNormal(rows: 40, columns: 6, using: &g).normalizedRows()
        for j in 0..<6 { rows[11, j] = j % 2 == 0 ? 3e38 : -3e38 }
        let check = try #require(SanityChecks.indexRows(rows))
        #expect(check.status == .failed && check.detail.hasPrefix("1 of 40 rows (rows 11, from 0)"), "\(check.detail)")
        for j in 0..<6 { rows[11, j] = 1e10 }
        #expect(SanityChecks.indexRows(rows)?.status == .warning)
    }
}

/// `reembedded-corpus-follows-ids`: the re-embedded corpus's rows through the map, ranked among the
/// index's rows against their own (a breaker's file with 20% of its rows permuted inflated the
/// upgrade's retention, 73% -> 93%, with every check ok).
@Suite struct ReembeddedCorpusRowOrderTests {
    /// The planted queries serve as documents: `x` the query model's vectors (the re-embedded corpus),
    /// `y` the index's rows.
    func rows(_ t: IndexQueriesRowOrderTests.Planted, reembedded: Matrix, map: AffineMap<Float>?)
        -> [EvaluateWorkflow.Row]
    {
        var rows = [
            EvaluateWorkflow.Row(name: EvaluateWorkflow.indexAsIs, role: .baseline, queries: t.y, corpus: t.y),
            EvaluateWorkflow.Row(
                name: EvaluateWorkflow.reEmbedded, role: .baseline, queries: t.x, corpus: reembedded),
        ]
        if let map {
            rows.append(EvaluateWorkflow.Row(name: "align", role: .stage, queries: t.x, corpus: t.y, map: map))
        }
        return rows
    }

    @Test func rowsOutOfOrderFailAndCorrectOnesPass() throws {
        let t = try IndexQueriesRowOrderTests.Planted()
        let fine = try #require(try SanityChecks.reembeddedCorpusFollowsIds(rows(t, reembedded: t.x, map: t.map)))
        #expect(fine.status == .ok, "\(fine.detail)")
        #expect(fine.detail.hasPrefix("300 rows of the re-embedded corpus, through align"), "\(fine.detail)")
        // 20% of the rows permuted among themselves.
        var g = SeededGenerator(seed: 3)
        let moved = Array(stride(from: 0, to: t.n, by: 5))
        let permuted = moved.shuffled(using: &g)
        var order = Array(0..<t.n)
        for (row, from) in zip(moved, permuted) { order[row] = from }
        let bad = try #require(
            try SanityChecks.reembeddedCorpusFollowsIds(rows(t, reembedded: t.x.gatherRows(order), map: t.map)))
        #expect(bad.status == .failed && bad.detail.contains("do not follow the index's rows"), "\(bad.detail)")
        // 75% of the rows permuted (the share in the top 1% falls below the line): fails, not absent.
        var g75 = SeededGenerator(seed: 4)
        let most = Array(0..<t.n).filter { _ in Double.random(in: 0..<1, using: &g75) < 0.75 }
        var mostOrder = Array(0..<t.n)
        for (row, from) in zip(most, most.shuffled(using: &g75)) { mostOrder[row] = from }
        let mostly = try #require(
            try SanityChecks.reembeddedCorpusFollowsIds(rows(t, reembedded: t.x.gatherRows(mostOrder), map: t.map)))
        #expect(mostly.status == .failed, "\(mostly.detail)")
        // Adjacent rows swapped in pairs (every other row moved): caught by the seeded sample too.
        var swapped = Array(0..<t.n)
        for row in stride(from: 1, to: t.n - 1, by: 3) { swapped.swapAt(row, row + 1) }
        let pairs = try #require(
            try SanityChecks.reembeddedCorpusFollowsIds(rows(t, reembedded: t.x.gatherRows(swapped), map: t.map)))
        #expect(pairs.status == .failed, "\(pairs.detail)")
        // No map of the query model's space: nothing to judge with.
        #expect(try SanityChecks.reembeddedCorpusFollowsIds(rows(t, reembedded: t.x, map: nil)) == nil)
    }
}
