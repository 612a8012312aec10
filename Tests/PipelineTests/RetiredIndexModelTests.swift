import AdapterFormat
import EmbeddingIO
import Foundation
import LinearAlgebra
import Reports
import Testing
import Workflows
import _TestSupport

@testable import Pipeline

/// Issue 20, item 3: `models.index.retired: true` says the index model embeds no new queries. Its
/// query vectors then only score the index as it was: no map is trained on them or applied to them.
@Suite struct RetiredIndexModelTests {
    static let stages = """
        stages:
          - kind: align
            options: {epochs: 1, batch_size: 32}
          - kind: adapt
            options: {budget: 12, max_steps: 20, evaluation_interval: 5, hard_pool: 20, folds: 2}
          - kind: evaluate
            options: {metrics: [ndcg@10, recall@10], significance_trials: 200}
        """

    static func header(retired: Bool) -> String {
        "seed: 3\nmodels: {query: {name: big}, index: {name: small\(retired ? ", retired: true" : "")}}"
    }

    @Test func theRetiredKeyMakesThePlainMapTheDefaultAndRefusesAHybrid() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        func adaptOptions(_ file: String) throws -> AdaptOptions {
            guard case .adapt(let options)? = try fixture.load(file).stage(named: "adapt")?.options else {
                throw PipelineRunError("no adapt stage")
            }
            return options
        }
        try fixture.write("retired.yaml", pipeline(stages: Self.stages, header: Self.header(retired: true)))
        try fixture.write("kept.yaml", pipeline(stages: Self.stages, header: Self.header(retired: false)))
        #expect(try adaptOptions("retired.yaml").hybrid == false)
        #expect(try adaptOptions("kept.yaml").hybrid == true)
        #expect(try fixture.load("retired.yaml").models.index.retired)

        let hybrid = Self.stages.replacingOccurrences(of: "folds: 2}", with: "folds: 2, hybrid: true}")
        try fixture.write("hybrid.yaml", pipeline(stages: hybrid, header: Self.header(retired: true)))
        let problem = try #require(fixture.problems("hybrid.yaml").at("stages[1].options.hybrid"))
        #expect(problem.message.contains("models.index.retired"))

        // Only the index model can be retired: the query model embeds every new query.
        try fixture.write(
            "query.yaml", pipeline(stages: Self.stages, header: "models: {query: {name: big, retired: true}}"))
        #expect(fixture.problems("query.yaml").at("models.query.retired") != nil)
    }

    /// The index model's query vectors are replaced by others: with the index model retired, every
    /// map (align, adapt) and every map row of the evaluation stays the same to the bit, only the
    /// `index-as-is` row moves. Kept (not retired), the same data gives a hybrid adapt map.
    @Test func theRetiredFlagKeepsIndexModelVectorsOutOfEveryMap() throws {
        func run(retired: Bool, scrambleIndexQueries: Bool) throws -> (adapter: Adapter, metrics: RunMetrics) {
            let planted = try PlantedData()
            defer { planted.fixture.remove() }
            if scrambleIndexQueries {
                var generator = SeededGenerator(seed: 11)
                let other = Matrix.randomNormal(rows: 40, columns: 6, using: &generator).normalizedRowsForTest()
                try Npy.write(other, to: planted.fixture.url("data/queries.d.npy"))
            }
            try planted.fixture.write("p.yaml", pipeline(stages: Self.stages, header: Self.header(retired: retired)))
            let summary = try PipelineRunner(
                config: try planted.fixture.load("p.yaml"), registry: .builtIn,
                currentDirectory: planted.fixture.root.path
            ).run()
            let adapter = try Adapter.load(planted.fixture.url("runs/p/adapt/adapter.safetensors"))
            return (adapter, summary.metrics)
        }
        func row(_ metrics: RunMetrics, _ name: String) -> [String: [String: Double]]? {
            metrics.stages["evaluate"]?.evaluation?.rows.first { $0.name == name }?.values
        }
        let retired = try run(retired: true, scrambleIndexQueries: false)
        let scrambled = try run(retired: true, scrambleIndexQueries: true)
        #expect(!retired.adapter.isHybrid && !scrambled.adapter.isHybrid)
        #expect(retired.adapter.map == scrambled.adapter.map)
        for name in ["align", "adapt"] {
            #expect(row(retired.metrics, name) != nil && row(retired.metrics, name) == row(scrambled.metrics, name))
        }
        #expect(row(retired.metrics, "index-as-is") != row(scrambled.metrics, "index-as-is"))
        #expect(retired.metrics.verdict?.question == .upgrade)

        // Kept (not retired), the same data trains a hybrid map: its second input is the index
        // model's vector of each query.
        let kept = try run(retired: false, scrambleIndexQueries: false)
        #expect(kept.adapter.isHybrid && kept.metrics.verdict?.question == nil)
    }
}
