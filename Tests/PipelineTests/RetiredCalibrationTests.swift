import AdapterFormat
import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra
import Testing
import Workflows
import _TestSupport

@testable import Pipeline

/// Issue 20 items 3 and 6 together: a retired index model's query vectors feed the score calibration
/// only when the adapt stage asks for it (`calibrate_with_index_queries: true`), and even then no map
/// reads them: the adapter's weights are the same to the bit, only its calibration changes.
@Suite struct RetiredCalibrationTests {
    static func stages(calibrate: Bool) -> String {
        RetiredIndexModelTests.stages.replacingOccurrences(
            of: "folds: 2}", with: calibrate ? "folds: 2, calibrate_with_index_queries: true}" : "folds: 2}")
    }

    static func run(calibrate: Bool, scrambleIndexQueries: Bool) throws -> Adapter {
        let planted = try PlantedData()
        defer { planted.fixture.remove() }
        if scrambleIndexQueries {
            var generator = SeededGenerator(seed: 11)
            let other = Matrix.randomNormal(rows: 40, columns: 6, using: &generator).normalizedRowsForTest()
            try Npy.write(other, to: planted.fixture.url("data/queries.d.npy"))
        }
        try planted.fixture.write(
            "p.yaml",
            pipeline(stages: stages(calibrate: calibrate), header: RetiredIndexModelTests.header(retired: true)))
        _ = try PipelineRunner(
            config: try planted.fixture.load("p.yaml"), registry: .builtIn, currentDirectory: planted.fixture.root.path
        ).run()
        return try Adapter.load(planted.fixture.url("runs/p/adapt/adapter.safetensors"))
    }

    @Test func aRetiredModelsQueriesCalibrateOnlyWhenAskedAndNeverReachTheMap() throws {
        let carried = try Self.run(calibrate: false, scrambleIndexQueries: false)
        let carriedScrambled = try Self.run(calibrate: false, scrambleIndexQueries: true)
        let labeled = try Self.run(calibrate: true, scrambleIndexQueries: false)
        let labeledScrambled = try Self.run(calibrate: true, scrambleIndexQueries: true)
        for adapter in [carried, carriedScrambled, labeled, labeledScrambled] { #expect(!adapter.isHybrid) }
        // No map reads them, asked or not.
        #expect(
            carried.map == carriedScrambled.map && carried.map == labeled.map && labeled.map == labeledScrambled.map)

        // Not asked: stage one's calibration carried onto the adapted map; the vectors are not read.
        let fromStageOne = try #require(carried.scoreCalibration)
        #expect(fromStageOne.fittedOn == .alignmentTexts && fromStageOne.carriedThroughQueries == 12)
        #expect(carriedScrambled.scoreCalibration == fromStageOne)

        // Asked: fitted on the 12 labeled queries (the budget) with the index model's vectors of them.
        let fromQueries = try #require(labeled.scoreCalibration)
        #expect(fromQueries.fittedOn == .labeledQueries && fromQueries.count == 12)
        #expect(fromQueries.carriedThroughQueries == nil)
        #expect(labeledScrambled.scoreCalibration != fromQueries)
    }

    @Test func askingWithoutTheIndexModelsQueriesIsAProblemAtItsKey() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        let text = pipeline(stages: Self.stages(calibrate: true), header: RetiredIndexModelTests.header(retired: true))
            .replacingOccurrences(of: "    index_model_embeddings: data/queries.d.npy\n", with: "")
        try fixture.write("p.yaml", text)
        let problem = try #require(fixture.problems("p.yaml").at("stages[1].options.calibrate_with_index_queries"))
        #expect(problem.message.contains("data.queries.index_model_embeddings"))
    }
}
