import AdapterFormat
import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra
import Retrieval
import Testing
import Workflows
import _TestSupport

@testable import Pipeline

/// Writes the map of a fake align stage: Procrustes on the alignment pair (so the evaluate stage
/// reads a real map through the artifact format). `refinement` none keeps debug-build tests fast
/// (the Kiers refinement for 768 -> 384 takes minutes unoptimized).
struct ProcrustesAlignStage: StageRunner {
    var settings = ProcrustesSettings()

    func run(stage: StageConfig, context: StageContext) throws -> StageOutput {
        let x = try Npy.read(URL(fileURLWithPath: context.config.data.alignment!.queryModel.path))
        let y = try Npy.read(URL(fileURLWithPath: context.config.data.alignment!.indexModel!.path))
        let fit = try Procrustes.fit(source: x, target: y, settings: settings)
        try Adapter(
            map: fit.map, sourceModel: "q", targetModel: "d", stage: "align", configurationHash: "",
            version: "test"
        ).save(to: context.artifactURL(MapArtifact.fileName))
        return StageOutput(artifacts: [MapArtifact.role: MapArtifact.fileName])
    }
}

@Suite("Evaluate stage")
struct EvaluateStageTests {
    static let quickstart = SharedData.packageRoot.appendingPathComponent("Pipelines/quickstart")
    static let hasQuickstart = FileManager.default.fileExists(
        atPath: quickstart.appendingPathComponent("index.minilm.npy").path)

    /// On the quickstart SciFact data, MiniLM's own queries score nDCG@10 = 0.6451 on the test set
    /// (the MTEB leaderboard value for all-MiniLM-L6-v2 on SciFact); a map from mpnet queries comes
    /// through the artifact and retrieves.
    @Test(.enabled(if: hasQuickstart, "Pipelines/quickstart is not in this checkout"))
    func quickstartBaselinesAndAMap() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        let configs = SharedData.packageRoot.appendingPathComponent("configs").path
        try fixture.write(
            "q.yaml",
            """
            include: [\(configs)/models/mpnet-to-minilm.yaml, \(configs)/data/scifact-quickstart.yaml]
            stages:
              - kind: align
              - kind: evaluate
                options: {baselines: [index-as-is], significance_trials: 1000}
            """)
        let config = try fixture.load("q.yaml")
        let thin = ProcrustesAlignStage(settings: ProcrustesSettings(refinement: .none))
        let registry = StageRegistry([.align: thin, .evaluate: EvaluateStage()])
        let summary = try PipelineRunner(config: config, registry: registry, currentDirectory: fixture.root.path).run()
        let table = try #require(summary.metrics.stages["evaluate"]?.evaluation)
        #expect(table.rows.map(\.name) == ["index-as-is", "align"])
        #expect(table.subsets.map(\.name) == ["all", "unseen"])
        #expect(table.subsets[0].queries == 300)
        let zeroShot = try #require(table.rows[0].values["all"]?["ndcg@10"])
        #expect(abs(zeroShot - 0.6451) < 0.005, "MiniLM zero-shot nDCG@10 \(zeroShot)")
        let aligned = try #require(table.rows[1].values["all"]?["ndcg@10"])
        #expect(aligned > 0.4)
        // Significance against what the user has, the index model's own queries (the reference row).
        #expect(table.comparedTo == "index-as-is")
        #expect(table.rows[0].significance.isEmpty)
        let versus = try #require(table.rows[1].significance.first { $0.subset == "all" })
        #expect(abs(versus.difference - (aligned - zeroShot)) < 1e-12)
        // Stage one alone loses to the index as it is here, and the verdict says so.
        let verdict = try #require(summary.metrics.verdict)
        #expect(verdict.reference == "index-as-is" && verdict.decision == .keep && verdict.best == "index-as-is")
        let perQuery = try String(contentsOf: fixture.url("runs/q/evaluate/per-query.tsv"), encoding: .utf8)
        #expect(perQuery.split(separator: "\n").count == 1 + 2 * 300)
        let report = try String(contentsOf: fixture.url("runs/q/report.md"), encoding: .utf8)
        #expect(report.contains("| index-as-is | baseline | \(String(format: "%.4f", zeroShot))"))
    }

    /// On the tiny fixture the table equals Retrieval's evaluator run directly, subset by subset.
    @Test func tableMatchesTheEvaluatorOnTheFixture() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        // Index rows: unit vectors; queries.d (D's own) close to their relevant documents.
        try fixture.write(
            "e.yaml",
            pipeline(
                stages: """
                    stages:
                      - kind: evaluate
                        options: {baselines: [index-as-is, re-embedded, procrustes], metrics: [ndcg@3, recall@5]}
                    """))
        let config = try fixture.load("e.yaml")
        let summary = try PipelineRunner(config: config, registry: .builtIn, currentDirectory: fixture.root.path).run()
        let table = try #require(summary.metrics.stages["evaluate"]?.evaluation)
        let direct = try Evaluator.evaluate(
            queries: Npy.read(fixture.url("data/queries.d.npy")),
            queryIds: IdList.read(fixture.url("data/query_ids.txt")),
            corpus: Npy.read(fixture.url("data/corpus.d.npy")),
            corpusIds: IdList.read(fixture.url("data/corpus_ids.txt")),
            qrels: Qrels.read(fixture.url("data/qrels.test.tsv")), cutoffs: [3, 5])
        #expect(table.rows[0].values["all"]?["ndcg@3"] == direct.report.mean["ndcg@3"])
        #expect(table.rows[0].values["all"]?["recall@5"] == direct.report.mean["recall@5"])
        // Test qrels cite d2 and d3, training qrels d0 and d1: every test query is unseen.
        #expect(table.subsets.map(\.queries) == [2, 2])
        #expect(table.comparedTo == "index-as-is")
        #expect(table.rows[1].significance.map(\.subset) == ["all", "unseen"])
        #expect(table.rows.map(\.name) == ["index-as-is", "re-embedded", "procrustes"])
        #expect(table.rows.allSatisfy { $0.role == .baseline })
    }
}
