import EmbeddingIO
import Foundation
import LinearAlgebra
import Reports
import Testing
import Workflows
import _TestSupport

@testable import Pipeline

/// Issue 19, items 1 and 2: the sanity checks, on the shipped quickstart copied to a temporary
/// folder and broken on purpose (sorted corpus ids, a leaked evaluation query, unknown qrels ids,
/// shuffled alignment rows), and on the copy as shipped (no failed check, the verdict as it was).
/// Stage one is the real align stage (its held-out report feeds a check); the evaluation scores
/// the index as it is and stage one, with few significance trials, to stay fast in a debug build.
/// The runs whose point is a check of the run itself (the copy as shipped, sorted corpus ids, another
/// model's queries, shuffled alignment rows) are in ``SanityCheckSlowTests``.
@Suite("Sanity checks on the quickstart")
struct SanityCheckTests {
    static let quickstart = SharedData.packageRoot.appendingPathComponent("Pipelines/quickstart")
    static let hasQuickstart = FileManager.default.fileExists(
        atPath: quickstart.appendingPathComponent("index.static.npy").path)

    static let files = [
        "queries.mpnet.npy", "queries.static.npy", "query_ids.txt", "index.static.npy", "corpus_ids.txt",
        "align.mpnet.npy", "align.static.npy", "align_ids.txt", "qrels.train.tsv", "qrels.test.tsv",
    ]

    /// A fixture holding a copy of the quickstart's files in `data/` and a pipeline `q.yaml` over them.
    /// - Parameter alignPreset: the align stage's preset; a test that runs the pipeline only for the
    ///   checks takes `align-procrustes` (no refinement: 5 s less of a debug build).
    static func copy(evaluateOptions: String = "", alignPreset: String = "align-default") throws -> PipelineFixture {
        let fixture = try PipelineFixture()
        let data = fixture.url("qs")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        for name in files {
            try FileManager.default.copyItem(
                at: quickstart.appendingPathComponent(name), to: data.appendingPathComponent(name))
        }
        let configs = SharedData.packageRoot.appendingPathComponent("configs").path
        try fixture.write(
            "q.yaml",
            """
            include: [\(configs)/models/mpnet-to-static.yaml]
            data:
              root: qs
              queries: {embeddings: queries.mpnet.npy, ids: query_ids.txt, index_model_embeddings: queries.static.npy}
              index: {embeddings: index.static.npy, ids: corpus_ids.txt}
              alignment: {query_model: align.mpnet.npy, index_model: align.static.npy, ids: align_ids.txt}
              qrels: {labeled: qrels.train.tsv, evaluation: qrels.test.tsv}
            stages:
              - name: align
                extends: \(configs)/presets/\(alignPreset).yaml
              - kind: evaluate
                options: {baselines: [index-as-is], significance_trials: 200\(evaluateOptions)}
            """)
        return fixture
    }

    static func run(_ fixture: PipelineFixture) throws -> RunSummary {
        let config = try fixture.load("q.yaml")
        let registry = StageRegistry([.align: AlignStage(), .evaluate: EvaluateStage()])
        return try PipelineRunner(config: config, registry: registry, currentDirectory: fixture.root.path).run()
    }

    static func check(_ name: String, in checks: [SanityCheck]) throws -> SanityCheck {
        try #require(checks.first { $0.name == name }, "no check \(name) in \(checks.map(\.name))")
    }

    static func lines(_ fixture: PipelineFixture, _ name: String) throws -> [String] {
        try String(contentsOf: fixture.url("qs/\(name)"), encoding: .utf8).split(separator: "\n").map(String.init)
    }

    /// The `--check` half of ``SanityCheckSlowTests/theQuickstartAsShippedPassesEveryCheck()``
    /// (which also runs stage one and the evaluation): the copy as shipped fails no check, and the
    /// table names what it resolved.
    @Test(.enabled(if: hasQuickstart)) func theQuickstartAsShippedPassesTheCheck() throws {
        let fixture = try Self.copy()
        defer { fixture.remove() }
        try Self.expectTheCheckPasses(fixture)
    }

    /// `--check` on the copy as shipped: no check fails, and the table names what it resolved.
    static func expectTheCheckPasses(_ fixture: PipelineFixture) throws {
        let inspection = try PipelineInspection.inspect(try fixture.load("q.yaml"))
        #expect(!inspection.failed, "\(inspection.text())")
        #expect(
            Set(inspection.checks.map(\.name)) == [
                "labeled-qrels-ids", "labeled-not-evaluated", "evaluation-qrels-ids", "enough-queries",
            ])
        let text = inspection.text()
        for expected in ["data.index.embeddings", "5183 x 256", "<f2", "5183 ids", "queries found 300/300"] {
            #expect(text.contains(expected), "the --check table lacks \(expected):\n\(text)")
        }
    }

    /// An evaluation query copied into the labeled qrels: `--check` fails naming it; with
    /// `exclude_labeled` it passes, and the run drops the query and says so.
    @Test(.enabled(if: hasQuickstart)) func aLeakedEvaluationQueryFailsTheCheckOrIsDropped() throws {
        let fixture = try Self.copy()
        defer { fixture.remove() }
        let leaked = try #require(try Self.lines(fixture, "qrels.test.tsv").dropFirst().first)
        let query = String(leaked.split(separator: "\t")[0])
        try fixture.write(
            "qs/qrels.train.tsv", (try Self.lines(fixture, "qrels.train.tsv") + [leaked]).joined(separator: "\n") + "\n"
        )

        let inspection = try PipelineInspection.inspect(try fixture.load("q.yaml"))
        #expect(inspection.failed)
        let failed = try Self.check("labeled-not-evaluated", in: inspection.checks)
        #expect(failed.status == .failed)
        #expect(failed.detail.hasPrefix("1 of 300 queries of data.qrels.evaluation"), "\(failed.detail)")
        #expect(failed.detail.contains("(ids \(query))") && failed.detail.contains("exclude_labeled: true"))

        let excluding = try Self.copy(evaluateOptions: ", exclude_labeled: true", alignPreset: "align-procrustes")
        defer { excluding.remove() }
        try excluding.write(
            "qs/qrels.train.tsv", (try Self.lines(fixture, "qrels.train.tsv")).joined(separator: "\n") + "\n")
        let passing = try PipelineInspection.inspect(try excluding.load("q.yaml"))
        #expect(!passing.failed, "\(passing.text())")
        #expect(try Self.check("labeled-not-evaluated", in: passing.checks).detail.hasPrefix("dropped 1 of 300"))
        let summary = try Self.run(excluding)
        let dropped = try Self.check("labeled-not-evaluated", in: summary.metrics.checks)
        #expect(dropped.status == .ok && dropped.detail.hasPrefix("dropped 1 of 300") && dropped.detail.contains(query))
        #expect(summary.metrics.stages["evaluate"]?.evaluation?.subsets.first?.queries == 299)
        #expect(summary.metrics.verdict?.decision != .withheld)
    }

    /// A judged query and a judged document that no id file holds: `--check` names both.
    @Test(.enabled(if: hasQuickstart)) func unknownQrelsIdsAreNamed() throws {
        let fixture = try Self.copy()
        defer { fixture.remove() }
        let known = try #require(
            try Self.lines(fixture, "qrels.test.tsv").dropFirst().first?.split(separator: "\t").first)
        try fixture.write(
            "qs/qrels.test.tsv",
            (try Self.lines(fixture, "qrels.test.tsv") + ["no-such-query\t4983\t1", "\(known)\tno-such-document\t1"])
                .joined(separator: "\n") + "\n")
        let inspection = try PipelineInspection.inspect(try fixture.load("q.yaml"))
        let check = try Self.check("evaluation-qrels-ids", in: inspection.checks)
        #expect(check.status == .warning)
        #expect(
            check.detail.contains("1 of 301 judged queries are not in the query ids (ids no-such-query)"),
            "\(check.detail)")
        #expect(
            check.detail.contains("1 judged documents are not in the index ids (ids no-such-document)"),
            "\(check.detail)")
        #expect(try Self.check("labeled-qrels-ids", in: inspection.checks).status == .ok)
        #expect(inspection.text().contains("documents found"))
    }

    /// `output:` the data folder: refused before anything runs, naming the inputs inside it.
    @Test(.enabled(if: hasQuickstart)) func anOutputFolderHoldingInputsIsRefused() throws {
        let fixture = try Self.copy()
        defer { fixture.remove() }
        let yaml = try String(contentsOf: fixture.url("q.yaml"), encoding: .utf8)
        try fixture.write("mixed.yaml", "output: qs\n" + yaml)
        let problem = try #require(fixture.problems("mixed.yaml").at("output"))
        #expect(problem.message.contains("holds 10 input files") && problem.message.contains("data.queries.embeddings"))
        try fixture.write("apart.yaml", "output: runs/apart\n" + yaml)
        #expect(fixture.problems("apart.yaml").isEmpty)
    }
}
