import AdapterFormat
import EmbeddingIO
import Foundation
import LinearAlgebra
import Testing
import Workflows
import _TestSupport

@testable import Pipeline

/// Issue 18: an align stage with `pairing: unpaired` on the quickstart's alignment texts, the
/// index model's rows shuffled and their ids dropped (a hidden correspondence), then adapt,
/// evaluate and export on its adapter as on any other; run again, every stage is up to date.
///
/// Slow tier: inducing pairs among the quickstart's 1,000 x 900 real rows, and failing to on noise,
/// takes about 85 s in a debug build, and fewer rows no longer align (init_sample 300 was refused
/// as indistinguishable from the null). The induction itself is checked fast on planted data
/// (AlignmentTests' unpaired suites, WorkflowsTests' `unpairedRunFindsThePlantedPairs`).
@Suite(
    "Unpaired align stage",
    .enabled(if: SlowTier.isEnabled, "\(SlowTier.skipReason("unpaired induction on the quickstart, about 85 s"))"))
struct UnpairedPipelineSlowTests {
    static let quickstart = SharedData.packageRoot.appendingPathComponent("Pipelines/quickstart")
    static let hasQuickstart = FileManager.default.fileExists(
        atPath: quickstart.appendingPathComponent("index.minilm.npy").path)

    static func fixture() throws -> PipelineFixture {
        let fixture = try PipelineFixture()
        let data = fixture.url("qs")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        for name in [
            "queries.mpnet.npy", "queries.minilm.npy", "query_ids.txt", "index.minilm.npy", "corpus_ids.txt",
            "qrels.train.tsv", "qrels.test.tsv",
        ] {
            try FileManager.default.copyItem(
                at: quickstart.appendingPathComponent(name), to: data.appendingPathComponent(name))
        }
        // 1,000 texts on the query model's side; 900 of them on the index model's, in another order:
        // no row is known to match.
        let sources = try Npy.read(quickstart.appendingPathComponent("align.mpnet.npy"))
        let targets = try Npy.read(quickstart.appendingPathComponent("align.minilm.npy"))
        try Npy.write(sources, to: data.appendingPathComponent("align.mpnet.npy"))
        var generator = SplitMix64(seed: 11)
        let order = Array(generator.permutation(1000).prefix(900))
        try Npy.write(targets.gatherRows(order), to: data.appendingPathComponent("align.minilm.shuffled.npy"))
        let configs = SharedData.packageRoot.appendingPathComponent("configs").path
        try fixture.write(
            "u.yaml",
            """
            include: [\(configs)/models/mpnet-to-minilm.yaml]
            data:
              root: qs
              queries: {embeddings: queries.mpnet.npy, ids: query_ids.txt, index_model_embeddings: queries.minilm.npy}
              index: {embeddings: index.minilm.npy, ids: corpus_ids.txt}
              alignment: {query_model: align.mpnet.npy, index_model: align.minilm.shuffled.npy}
              qrels: {labeled: qrels.train.tsv, evaluation: qrels.test.tsv}
            stages:
              - name: align
                options: {pairing: unpaired, max_rounds: 30, restarts: 1, epochs: 1}
              - name: adapt
                options: {folds: 0, max_steps: 20, hybrid: false}
              - kind: evaluate
                options: {baselines: [index-as-is], significance_trials: 100}
              - kind: export
            """)
        return fixture
    }

    static func run(_ fixture: PipelineFixture) throws -> RunSummary {
        let config = try fixture.load("u.yaml")
        return try PipelineRunner(config: config, registry: .builtIn, currentDirectory: fixture.root.path).run()
    }

    @Test(.enabled(if: hasQuickstart)) func anUnpairedStageFeedsAdaptEvaluateAndExportAndResumes() throws {
        let fixture = try Self.fixture()
        defer { fixture.remove() }
        let first = try Self.run(fixture)
        #expect(first.ran == ["align", "adapt", "evaluate", "export"])
        let values = try #require(first.metrics.stages["align"]).values
        #expect(values["unpaired_source_rows"] == 1000 && values["unpaired_target_rows"] == 900)
        let induced = try #require(values["unpaired_induced_pairs"])
        #expect(induced >= 700, "\(induced) pairs induced from 900 hidden matches")
        #expect((values["unpaired_objective"] ?? 0) > (values["unpaired_null_objective"] ?? 1) + 0.1)
        let adapter = try Adapter.load(
            first.runDirectory.appendingPathComponent("align").appendingPathComponent(MapArtifact.fileName))
        #expect(adapter.metadata["pairing"] == "unpaired")
        let evaluation = try #require(first.metrics.stages["evaluate"]?.evaluation)
        let stageOne = try #require(evaluation.rows.first { $0.name == "align" })
        let ndcg = stageOne.values["all"]?["ndcg@10"] ?? 0
        #expect(ndcg > 0.3, "stage one nDCG@10 \(ndcg)")

        let second = try Self.run(fixture)
        #expect(second.ran.isEmpty && second.skipped.count == 4, "ran again: \(second.ran)")
    }

    @Test(.enabled(if: hasQuickstart)) func anUnalignableTargetFailsTheStageAndWritesNoMap() throws {
        let fixture = try Self.fixture()
        defer { fixture.remove() }
        var generator = SeededGenerator(seed: 3)
        let noise = Matrix.randomNormal(rows: 900, columns: 384, using: &generator).normalizedRows()
        try Npy.write(noise, to: fixture.url("qs/align.minilm.shuffled.npy"))
        #expect {
            try Self.run(fixture)
        } throws: { error in
            "\(error)".contains("cannot be aligned without pairs") && "\(error)".contains("paired texts")
        }
    }
}
