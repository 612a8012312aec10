import AdapterFormat
import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra
import Testing
import Workflows
import _TestSupport

@testable import Pipeline

/// A planted pair of embedding spaces: the index model sees a linear image of the query model's
/// space (Y = normalize(X A^T), A 6 x 8), so stage one can recover the map and retrieval through
/// it finds each query's planted document.
struct PlantedData {
    let fixture: PipelineFixture

    init() throws {
        fixture = try PipelineFixture()
        var generator = SeededGenerator(seed: 42)
        let a = Matrix.randomNormal(rows: 6, columns: 8, using: &generator)
        func image(_ x: Matrix) throws -> Matrix {
            try Matrix.multiply(x, a, transB: .transposed).normalizedRowsForTest()
        }
        let alignX = Matrix.randomNormal(rows: 300, columns: 8, using: &generator)
        let docsX = Matrix.randomNormal(rows: 60, columns: 8, using: &generator)
        // Query i is a noisy copy of document i's text (query-model side).
        var queriesX = docsX.gatherRows(0..<40)
        queriesX.withUnsafeMutableBufferPointer { q in for k in q.indices { q[k] += Float(0.3 * generator.normal()) } }
        try Npy.write(alignX, to: fixture.url("data/align.q.npy"))
        try Npy.write(try image(alignX), to: fixture.url("data/align.d.npy"))
        try Npy.write(try image(docsX), to: fixture.url("data/corpus.d.npy"))
        try Npy.write(docsX.normalizedRowsForTest(), to: fixture.url("data/corpus.q.npy"))
        try Npy.write(queriesX, to: fixture.url("data/queries.q.npy"))
        try Npy.write(try image(queriesX), to: fixture.url("data/queries.d.npy"))
        try IdList.write((0..<300).map { "a\($0)" }, to: fixture.url("data/align_ids.txt"))
        try IdList.write((0..<60).map { "d\($0)" }, to: fixture.url("data/corpus_ids.txt"))
        try IdList.write((0..<40).map { "q\($0)" }, to: fixture.url("data/query_ids.txt"))
        func qrels(_ range: Range<Int>) -> String {
            "query-id\tcorpus-id\tscore\n" + range.map { "q\($0)\td\($0)\t1\n" }.joined()
        }
        try fixture.write("data/qrels.train.tsv", qrels(0..<20))
        try fixture.write("data/qrels.test.tsv", qrels(20..<40))
    }
}

extension Matrix {
    func normalizedRowsForTest() -> Matrix {
        var out = self
        out.withUnsafeMutableBufferPointer { p in
            for i in 0..<rows {
                let row = p[(i * columns)..<((i + 1) * columns)]
                let norm = row.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
                for k in row.indices { p[k] /= norm }
            }
        }
        return out
    }
}

@Suite("Real stages: align, adapt, evaluate, sweep, export")
struct RealStagesTests {
    /// Every stage kind, small enough for a debug build.
    static let allStages = """
        stages:
          - kind: align
            options: {epochs: 1, batch_size: 32}
          - kind: adapt
            options: {budget: 12, max_steps: 20, evaluation_interval: 5, hard_pool: 20, folds: 2}
          - kind: evaluate
            options: {metrics: [ndcg@10, recall@10], significance_trials: 200}
          - kind: sweep
            options: {budgets: [6, 12], include_all: false, repeats: 2, significance_trials: 200}
          - kind: export
        """

    static let stages = """
        stages:
          - kind: align
            options: {epochs: 2, batch_size: 32}
          - kind: evaluate
            options: {metrics: [ndcg@10, recall@10], significance_trials: 500}
          - kind: export
            options: {formats: [safetensors, npy, sentence-transformers], file: planted}
        """

    @Test func plantedPipelineRecoversTheMapAndExportsIt() throws {
        let planted = try PlantedData()
        defer { planted.fixture.remove() }
        try planted.fixture.write(
            "p.yaml",
            pipeline(stages: Self.stages, header: "seed: 3\nmodels: {query: {name: big}, index: {name: small}}"))
        let config = try planted.fixture.load("p.yaml")
        let summary = try PipelineRunner(
            config: config, registry: .builtIn, currentDirectory: planted.fixture.root.path
        ).run()
        #expect(summary.ran == ["align", "evaluate", "export"])
        let table = try #require(summary.metrics.stages["evaluate"]?.evaluation)
        #expect(table.rows.map(\.name) == ["index-as-is", "re-embedded", "procrustes", "align"])
        // The planted map is linear: both learned maps retrieve almost every planted document.
        for row in ["procrustes", "align"] {
            let recall = try #require(table.rows.first { $0.name == row }?.values["all"]?["recall@10"])
            #expect(recall >= 0.95, "\(row) recall@10 \(recall)")
        }
        let alignValues = try #require(summary.metrics.stages["align"]?.values)
        // 0.905 measured: InfoNCE does not maximize cosine itself.
        #expect((alignValues["heldout_mean_cosine"] ?? 0) > 0.85)
        #expect(alignValues["pairs"] == 300)

        let run = planted.fixture.url("runs/p")
        let trained = try Adapter.load(run.appendingPathComponent("align/adapter.safetensors"))
        let exported = try Adapter.load(run.appendingPathComponent("export/planted.safetensors"))
        #expect(exported.map == trained.map)
        #expect(exported.sourceModel == "big" && exported.targetModel == "small" && exported.stage == "align")
        #expect(exported.extraMetadata["pipeline"] == "p")
        #expect(try Npy.read(run.appendingPathComponent("export/planted.weight.npy")) == trained.map.weight)
        #expect(try Npy.readVector(run.appendingPathComponent("export/planted.bias.npy")) == trained.map.bias)
        let module = try Safetensors.read(
            run.appendingPathComponent("export/planted-sentence-transformers/model.safetensors"))
        #expect(try module.matrix("linear.weight") == trained.map.weight)
        #expect(try module.vector("linear.bias") == trained.map.bias)
        #expect(module.metadata["source_model"] == "big" && module.metadata["target_model"] == "small")
    }

    @Test func everyStageKindRunsOnThePlantedData() throws {
        let planted = try PlantedData()
        defer { planted.fixture.remove() }
        try planted.fixture.write("all.yaml", pipeline(stages: Self.allStages))
        let config = try planted.fixture.load("all.yaml")
        let summary = try PipelineRunner(
            config: config, registry: .builtIn, currentDirectory: planted.fixture.root.path
        ).run()
        #expect(summary.ran == ["align", "adapt", "evaluate", "sweep", "export"])
        // Five stages share the files: each is read and decoded once in the run.
        #expect(summary.inputReads.count >= 8)
        #expect(summary.inputReads.values.allSatisfy { $0 == 1 }, "\(summary.inputReads)")
        let adapt = try #require(summary.metrics.stages["adapt"]?.values)
        #expect(adapt["labeled_queries"] == 12)
        let table = try #require(summary.metrics.stages["evaluate"]?.evaluation)
        #expect(table.rows.map(\.name) == ["index-as-is", "re-embedded", "procrustes", "align", "adapt"])
        let curve = try #require(summary.metrics.stages["sweep"]?.sweep)
        #expect(curve.series.map(\.subset) == ["all", "unseen"])
        #expect(curve.series[0].points.map(\.labeledQueries) == [6, 12])
        #expect(curve.series[0].points.allSatisfy { $0.repeats == 2 && $0.pValue != nil })
        #expect(Set(curve.references.map(\.label)) == ["stage one", "index as it is"])
        // The stage-one reference of the sweep is the align row of the evaluation (same map, same queries).
        let stageOne = try #require(curve.references.first { $0.label == "stage one" && $0.subset == "all" })
        #expect(
            abs(stageOne.value - (table.rows.first { $0.name == "align" }?.values["all"]?["ndcg@10"] ?? -1)) < 1e-12)
        // Export takes the nearest adapt stage's map.
        let run = planted.fixture.url("runs/all")
        let exported = try Adapter.load(run.appendingPathComponent("export/adapter.safetensors"))
        #expect(exported.stage == "adapt")
        #expect(exported.map == (try Adapter.load(run.appendingPathComponent("adapt/adapter.safetensors"))).map)
        let html = try String(contentsOf: run.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.components(separatedBy: "<svg").count - 1 == 2)
    }

    /// Two runs from scratch write the same metrics.json, byte for byte (the trainers are seeded by the stage seed).
    @Test func realStagesAreReproducible() throws {
        let planted = try PlantedData()
        defer { planted.fixture.remove() }
        try planted.fixture.write("p.yaml", pipeline(stages: Self.allStages))
        let config = try planted.fixture.load("p.yaml")
        let first = planted.fixture.url("first"), second = planted.fixture.url("second")
        _ = try PipelineRunner(config: config, registry: .builtIn, runDirectory: first).run()
        _ = try PipelineRunner(config: config, registry: .builtIn, runDirectory: second).run()
        let a = try Data(contentsOf: first.appendingPathComponent("metrics.json"))
        let b = try Data(contentsOf: second.appendingPathComponent("metrics.json"))
        #expect(a == b)
        #expect(
            try Data(contentsOf: first.appendingPathComponent("align/adapter.safetensors"))
                == Data(contentsOf: second.appendingPathComponent("align/adapter.safetensors")))
    }
}

@Suite("The procrustes baseline and stage one see the same texts")
struct ProcrustesBaselineSampleTests {
    /// With `samples:` on the align stage, the baseline is fitted on that stage's sample (same ids,
    /// same seed), not on every alignment pair.
    @Test func theBaselineUsesTheAlignStagesSample() throws {
        let planted = try PlantedData()
        defer { planted.fixture.remove() }
        try planted.fixture.write(
            "sample.yaml",
            pipeline(
                stages: """
                    stages:
                      - kind: align
                        options: {epochs: 0, holdout: 0, samples: 100, whitening: 0}
                      - kind: evaluate
                        options: {baselines: [procrustes], metrics: [ndcg@10], significance_trials: 200}
                    """))
        let config = try planted.fixture.load("sample.yaml")
        _ = try PipelineRunner(config: config, registry: .builtIn, currentDirectory: planted.fixture.root.path).run()
        let log = try String(contentsOf: planted.fixture.url("runs/sample/evaluate/log.txt"), encoding: .utf8)
        #expect(log.contains("procrustes: fitted on 100 pairs"), "\(log)")
        // epochs 0, no held-out split, no whitening: stage one is the centred Procrustes map of the same 100 texts.
        let metrics = try #require(
            try PipelineRunner(
                config: config, registry: .builtIn,
                currentDirectory: planted.fixture.root.path
            ).run().metrics.stages["evaluate"]?.evaluation)
        let align = metrics.rows.first { $0.name == "align" }?.values["all"]?["ndcg@10"]
        let procrustes = metrics.rows.first { $0.name == "procrustes" }?.values["all"]?["ndcg@10"]
        #expect(align != nil && align == procrustes)
    }
}
