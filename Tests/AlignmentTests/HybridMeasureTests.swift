import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra
import Retrieval
import Testing
import _TestSupport

/// Opt-in measurements on SciFact for issue 9 (hybrid queries, objectives, the stage-one guardrail).
/// Run in release: `ERA_MEASURE=dev swift test -c release --filter HybridMeasureTests`.
/// - `dev`: training data only (qrels.train.tsv and its dev folds): what the defaults were chosen on.
/// - `test`: the final figures on qrels.test.tsv (all queries and the unseen subset), mean of 3 seeds.
/// Nothing here is part of the normal suite: without ERA_MEASURE it is skipped.
@Suite(
    .enabled(
        if: SharedData.scifact != nil && ProcessInfo.processInfo.environment["ERA_MEASURE"] != nil,
        "set ERA_MEASURE=dev|test to run the SciFact measurements"), .serialized)
struct HybridMeasureTests {
    static let mode = ProcessInfo.processInfo.environment["ERA_MEASURE"] ?? ""
    static let seeds: [UInt64] = [0, 1, 2]

    struct Data {
        let dir = SharedData.scifact!
        let queryIds: [String], corpusIds: [String]
        let train: Qrels, test: Qrels
        let mpnetQueries: Matrix, mpnetCorpus: Matrix
        init() throws {
            queryIds = try IdList.read(dir.appendingPathComponent("query_ids.txt"))
            corpusIds = try IdList.read(dir.appendingPathComponent("corpus_ids.txt"))
            train = try Qrels.read(dir.appendingPathComponent("qrels.train.tsv"))
            test = try Qrels.read(dir.appendingPathComponent("qrels.test.tsv"))
            mpnetQueries = try Npy.read(dir.appendingPathComponent("mpnet.queries.npy"))
            mpnetCorpus = try Npy.read(dir.appendingPathComponent("mpnet.corpus.npy"))
        }
        func index(_ name: String) throws -> (queries: Matrix, corpus: Matrix) {
            (
                try Npy.read(dir.appendingPathComponent("\(name).queries.npy")),
                try Npy.read(dir.appendingPathComponent("\(name).corpus.npy"))
            )
        }
    }

    static func say(_ line: String) { print(line) }

    /// nDCG@10 (all, unseen) of queries given as concatenated rows [x y] mapped by `map` (nil: as they are).
    static func evaluate(_ data: Data, qrels: Qrels, queries: Matrix, corpus: Matrix, map: AffineMap<Float>?) throws
        -> (all: Double, unseen: Double)
    {
        let run = try Evaluator.evaluate(
            queries: queries, queryIds: data.queryIds, corpus: corpus,
            corpusIds: data.corpusIds, qrels: qrels, cutoffs: [10],
            mapQueries: map.map { m in { try m.applyNormalized(to: $0) } })
        return (
            run.report.mean["ndcg@10"]!, run.report.unseen(testQrels: qrels, trainQrels: data.train).mean["ndcg@10"]!
        )
    }

    static func stageOne(_ data: Data, corpus: Matrix, seed: UInt64) throws -> AlignmentResult {
        var c = AlignmentConfiguration()
        c.seed = seed
        return try AlignmentTrainer(configuration: c).train(sources: data.mpnetCorpus, targets: corpus)
    }

    /// Training data only: label-free mixes on all 809 training queries, and adapt's dev candidates
    /// for a grid of penalties (balanced objective: both fold kinds), per index model.
    @Test func dev() throws {
        guard Self.mode == "dev" else { return }
        let data = try Data()
        for name in ["minilm", "static"] {
            let index = try data.index(name)
            let joined = concatenatedRows(data.mpnetQueries, index.queries)
            let s1 = try Self.stageOne(data, corpus: index.corpus, seed: 0)
            Self.say(
                "[\(name)] stage one guardrail: \(s1.log.guardrail.map { "\($0.chosen) \($0.candidates.map { "\($0.name) mrr \(String(format: "%.4f", $0.meanReciprocalRank)) cos \(String(format: "%.3f", $0.meanCosine))" })" } ?? "none")"
            )
            let s1train = try Self.evaluate(
                data, qrels: data.train, queries: data.mpnetQueries, corpus: index.corpus, map: s1.map)
            Self.say(String(format: "[%@] stage one on train qrels: %.4f", name, s1train.all))
            for alpha in [0.0, 0.2, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8, 1.0] {
                let mix = HybridMap.mix(stageOne: s1.map, alpha: alpha).concatenated
                let r = try Self.evaluate(data, qrels: data.train, queries: joined, corpus: index.corpus, map: mix)
                Self.say(String(format: "[%@] label-free alpha %.1f on train qrels: %.4f", name, alpha, r.all))
            }
            let penalties = (ProcessInfo.processInfo.environment["ERA_PENALTIES"] ?? "0.03,0.1,0.3,1,3")
                .split(separator: ",").map { Double($0)! }
            if penalties.isEmpty { continue }
            let problem = AdaptProblem(
                queries: data.mpnetQueries, queryIds: data.queryIds, corpus: index.corpus,
                corpusIds: data.corpusIds, trainingQrels: data.train, stageOne: s1.map,
                indexQueries: index.queries)
            var settings = AdaptSettings()
            settings.penalties = penalties
            let result = try AdaptTrainer.train(problem, settings: settings)
            for c in result.candidates where c.kind != .trained || c.steps % 50 == 0 {
                Self.say(
                    String(
                        format: "[%@] %@: dd %.4f random %.4f", name, c.label, c.documentDisjointDevNDCG10 ?? -1,
                        c.randomDevNDCG10 ?? -1))
            }
            for penalty in penalties {
                let trained = result.candidates.filter { $0.kind == .trained && $0.penalty == penalty }
                let bestDD = trained.max { ($0.documentDisjointDevNDCG10 ?? 0) < ($1.documentDisjointDevNDCG10 ?? 0) }
                let bestR = trained.max { ($0.randomDevNDCG10 ?? 0) < ($1.randomDevNDCG10 ?? 0) }
                Self.say(
                    String(
                        format: "[%@] lambda %g: best dd %.4f at %d steps, best random %.4f at %d steps", name,
                        penalty, bestDD?.documentDisjointDevNDCG10 ?? -1, bestDD?.steps ?? -1,
                        bestR?.randomDevNDCG10 ?? -1, bestR?.steps ?? -1))
            }
            Self.say(
                String(
                    format: "[%@] chosen %@ (reference returned: %@), %.1f s", name, result.chosen?.label ?? "-",
                    "\(result.returnedReference)", result.seconds))
        }
    }
}

extension HybridMeasureTests {
    /// The final figures on qrels.test.tsv (never used to choose anything): mean of 3 seeds, stage one
    /// with defaults on the whole corpus, adapt with defaults on all 809 training queries (and 100).
    @Test func test() throws {
        guard Self.mode == "test" else { return }
        let data = try Data()
        var rows = [String: [(all: Double, unseen: Double, perQuery: [Double])]]()
        var times = [String: [Double]]()
        var asIsPerQuery = [String: [Double]]()
        func record(_ key: String, _ queries: Matrix, _ corpus: Matrix, _ map: AffineMap<Float>?) throws {
            let run = try Evaluator.evaluate(
                queries: queries, queryIds: data.queryIds, corpus: corpus,
                corpusIds: data.corpusIds, qrels: data.test, cutoffs: [10],
                mapQueries: map.map { m in { try m.applyNormalized(to: $0) } })
            rows[key, default: []].append(
                (
                    run.report.mean["ndcg@10"]!,
                    run.report.unseen(testQrels: data.test, trainQrels: data.train).mean["ndcg@10"]!,
                    run.report.values(of: "ndcg@10")!
                ))
        }
        for name in ["minilm", "static"] {
            let index = try data.index(name)
            let joined = concatenatedRows(data.mpnetQueries, index.queries)
            try record("\(name): index as it is", index.queries, index.corpus, nil)
            asIsPerQuery[name] = rows["\(name): index as it is"]![0].perQuery
            for seed in Self.seeds {
                let s1 = try Self.stageOne(data, corpus: index.corpus, seed: seed)
                try record(
                    "\(name): stage one (align, guardrail: \(s1.log.guardrail?.chosen ?? "-"))", data.mpnetQueries,
                    index.corpus, s1.map)
                try record(
                    "\(name): label-free hybrid alpha \(AdaptSettings.defaultHybridAlpha)", joined, index.corpus,
                    HybridMap.mix(stageOne: s1.map, alpha: AdaptSettings.defaultHybridAlpha).concatenated)
                let hybrid = AdaptProblem(
                    queries: data.mpnetQueries, queryIds: data.queryIds, corpus: index.corpus,
                    corpusIds: data.corpusIds, trainingQrels: data.train, stageOne: s1.map,
                    indexQueries: index.queries)
                for (label, objective, budget) in [
                    ("balanced", AdaptSelectionObjective.balanced, Int?.none),
                    ("new-documents", .newDocuments, nil), ("balanced, 100 labels", .balanced, 100),
                ] {
                    var settings = AdaptSettings(budget: budget, seed: seed)
                    settings.objective = objective
                    let result = try AdaptTrainer.train(hybrid, settings: settings)
                    let key = "\(name): hybrid adapt (\(label))"
                    try record(key, joined, index.corpus, result.map)
                    times[key, default: []].append(result.seconds)
                    Self.say(
                        "seed \(seed) \(key): chosen \(result.chosen?.label ?? "-"), reference returned \(result.returnedReference), "
                            + String(format: "%.1f s", result.seconds))
                }
                if name == "minilm" {
                    let plain = AdaptProblem(
                        queries: data.mpnetQueries, queryIds: data.queryIds, corpus: index.corpus,
                        corpusIds: data.corpusIds, trainingQrels: data.train, stageOne: s1.map)
                    let result = try AdaptTrainer.train(plain, settings: AdaptSettings(seed: seed))
                    let key = "\(name): adapt without index-model queries (defaults)"
                    try record(key, data.mpnetQueries, index.corpus, result.map)
                    times[key, default: []].append(result.seconds)
                }
            }
        }
        Self.say("| run | seeds | nDCG@10 all | unseen | adapt seconds (mean) | vs index as it is, all (p) |")
        Self.say("|---|---|---|---|---|---|")
        for key in rows.keys.sorted() {
            let r = rows[key]!
            let all = r.map(\.all).reduce(0, +) / Double(r.count),
                unseen = r.map(\.unseen).reduce(0, +) / Double(r.count)
            let name = String(key.prefix { $0 != ":" })
            let meanPerQuery = (0..<r[0].perQuery.count).map { i in
                r.reduce(0) { $0 + $1.perQuery[i] } / Double(r.count)
            }
            let test = try PairedSignificance.compare(asIsPerQuery[name]!, meanPerQuery, trials: 10_000)
            let t = times[key].map { String(format: "%.1f", $0.reduce(0, +) / Double($0.count)) } ?? "-"
            Self.say(
                String(
                    format: "| %@ | %d | %.4f | %.4f | %@ | %+.4f (p %.4f) |", key, r.count, all, unseen, t,
                    test.meanDifference, test.pValue))
        }
    }
}

/// [x y] row by row (the harness's copy of the library's internal helper).
func concatenatedRows(_ x: Matrix, _ y: Matrix) -> Matrix {
    var out = Matrix(rows: x.rows, columns: x.columns + y.columns)
    for i in 0..<x.rows {
        for j in 0..<x.columns { out[i, j] = x[i, j] }
        for j in 0..<y.columns { out[i, x.columns + j] = y[i, j] }
    }
    return out
}
