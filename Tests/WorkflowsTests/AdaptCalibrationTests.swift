import AdapterFormat
import Alignment
import Foundation
import LinearAlgebra
import Retrieval
import Testing
import Workflows
import _TestSupport

/// Stage two's score calibration (issue 20 item 6): refitted on the labeled queries when the index
/// model's vectors of them may be used, else stage one's carried onto the new map; what it was fitted
/// on travels in the adapter's metadata.
@Suite struct AdaptCalibrationTests {
    static let stageOneCalibration = ScoreCalibration(
        scale: 0.6, offset: 0.43, fittedOn: .alignmentTexts, count: 1000, neighbours: 100,
        medianAbsoluteDifferenceBefore: 0.14, medianAbsoluteDifferenceAfter: 0.02)

    /// The planted problem: queries whose identity map scores `mapped`, the index model's own vectors
    /// scoring exactly 0.8 * mapped + 0.2; q0..q29 labeled.
    static func problem() -> (AdaptProblem, PlantedScores, stageOne: Adapter) {
        let planted = PlantedScores(
            queries: 30, documents: 200, dimension: 12, scale: 0.8, offset: 0.2, lean: 0.9, seed: 9)
        let qrels = Qrels(judgments: Dictionary(uniqueKeysWithValues: (0..<30).map { ("q\($0)", ["d\($0)": 1]) }))
        let identity = AffineMap<Float>.identity(source: 12, target: 12)
        let problem = AdaptProblem(
            queries: planted.mapped, queryIds: (0..<30).map { "q\($0)" }, corpus: planted.corpus,
            corpusIds: (0..<200).map { "d\($0)" }, trainingQrels: qrels, stageOne: identity)
        let stageOne = Adapter(
            map: identity, sourceModel: "new", targetModel: "old", stage: "align", configurationHash: "-",
            version: "test", extraMetadata: stageOneCalibration.metadata)
        return (problem, planted, stageOne)
    }

    static let labeled = (0..<30).map { "q\($0)" }

    @Test func withTheIndexModelsQueriesItIsFittedOnTheLabeledQueries() throws {
        let (problem, planted, stageOne) = Self.problem()
        let outcome = AdaptCalibration.calibrate(
            stageOne, problem: problem, labeled: Self.labeled, indexQueries: planted.reference, stageOne: stageOne)
        let fit = try #require(outcome.calibration)
        #expect(abs(fit.scale - 0.8) < 1e-4 && abs(fit.offset - 0.2) < 1e-4)
        #expect(fit.fittedOn == .labeledQueries && fit.count == 30 && fit.carriedThroughQueries == nil)
        #expect(outcome.metadata["score_calibration_fitted_on"] == "labeled-queries")
        #expect(outcome.metadata["score_calibration_count"] == "30")
    }

    /// The index model's vectors with their rows in another order (or another model's) are judged
    /// through stage one first, and give no calibration, with a note that says why.
    @Test func indexModelQueriesThatDoNotMatchGiveNoCalibration() throws {
        let (problem, planted, stageOne) = Self.problem()
        let reversed = planted.reference.gatherRows(Array((0..<planted.reference.rows).reversed()))
        let outcome = AdaptCalibration.calibrate(
            stageOne, problem: problem, labeled: Self.labeled, indexQueries: reversed, stageOne: stageOne)
        #expect(outcome.calibration == nil)
        let note = try #require(outcome.note)
        #expect(note.hasPrefix("no score calibration: the index model's query vectors do not match"), "\(note)")
        #expect(note.contains("30 labeled queries, through stage one"), "\(note)")
    }

    /// Without them, stage one's calibration is carried: onto the same map it stays what it was.
    @Test func withoutThemStageOnesIsCarriedOntoTheNewMap() throws {
        let (problem, _, stageOne) = Self.problem()
        let outcome = AdaptCalibration.calibrate(
            stageOne, problem: problem, labeled: Self.labeled, indexQueries: nil, stageOne: stageOne)
        let carried = try #require(outcome.calibration)
        #expect(abs(carried.scale - 0.6) < 1e-6 && abs(carried.offset - 0.43) < 1e-6)
        #expect(carried.fittedOn == .alignmentTexts && carried.count == 1000 && carried.carriedThroughQueries == 30)

        // A stage one without a calibration gives none, and nothing to explain.
        let bare = Adapter(
            map: stageOne.map, sourceModel: "new", targetModel: "old", stage: "align", configurationHash: "-",
            version: "test")
        let none = AdaptCalibration.calibrate(
            bare, problem: problem, labeled: Self.labeled, indexQueries: nil, stageOne: bare)
        #expect(none.calibration == nil && none.note == nil && none.metadata.isEmpty)

        // Index-model queries of the wrong shape are not used: the note says why.
        let wrong = AdaptCalibration.calibrate(
            stageOne, problem: problem, labeled: Self.labeled, indexQueries: Matrix(rows: 3, columns: 12),
            stageOne: stageOne)
        #expect(wrong.calibration == nil && wrong.metadata[ScoreCalibration.noteKey]?.contains("3 x 12") == true)
    }

    /// The calibration written into an adapter file reads back the same; an adapter written before the
    /// new keys (scale and offset only) reads as fitted on the alignment texts.
    @Test func theMetadataRoundTripsThroughTheAdapterFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("era-calib-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var calibration = ScoreCalibration(
            scale: 0.6553, offset: 0.4262, fittedOn: .labeledQueries, count: 809, neighbours: 100,
            medianAbsoluteDifferenceBefore: 0.2128, medianAbsoluteDifferenceAfter: 0.0125)
        for carried in [nil, 809] {
            calibration.carriedThroughQueries = carried
            let url = directory.appendingPathComponent("a.safetensors")
            try Adapter(
                map: .identity(source: 4, target: 4), sourceModel: "new", targetModel: "old", stage: "adapt",
                configurationHash: "-", version: "test", extraMetadata: calibration.metadata
            ).save(to: url)
            #expect(try Adapter.load(url).scoreCalibration == calibration)
        }
        let old = ScoreCalibration(metadata: ["score_scale": "0.613", "score_offset": "0.428"])
        #expect(old?.fittedOn == .alignmentTexts && old?.scale == 0.613 && old?.offset == 0.428)
        #expect(ScoreCalibration(metadata: ["score_scale": "-1", "score_offset": "0"]) == nil)
        #expect(ScoreCalibration(metadata: ["score_offset": "0.4"]) == nil)
    }

    /// The workflow replaces stage one's keys: the adapter it writes carries the calibration of its
    /// own map, fitted on the labeled queries (hybrid: the index model's queries reach the map).
    @Test func theAdaptedAdapterCarriesItsOwnCalibration() throws {
        var (problem, planted, stageOne) = Self.problem()
        problem.indexQueries = planted.reference
        var settings = AdaptSettings()
        settings.maxSteps = 2
        settings.folds = 0
        settings.negatives = AdaptNegatives(random: 0, hard: 2, inBatch: true)
        settings.hardPool = 10
        let outcome = try AdaptWorkflow.run(problem, stageOne: stageOne, settings: settings)
        #expect(outcome.adapter.isHybrid)
        let fit = try #require(outcome.adapter.scoreCalibration)
        #expect(fit.fittedOn == .labeledQueries && fit.count == 30)
        #expect(fit != Self.stageOneCalibration && fit == outcome.calibration.calibration)
        #expect(fit.medianAbsoluteDifferenceAfter <= fit.medianAbsoluteDifferenceBefore)
    }

    /// `era evaluate`'s figure: on the planted queries an adapter calibrated with the planted law leaves
    /// no difference; the figure needs the index model's queries.
    @Test func evaluationMeasuresTheCalibrationOnItsQueries() throws {
        let (problem, planted, _) = Self.problem()
        let exact = ScoreCalibration(
            scale: 0.8, offset: 0.2, fittedOn: .labeledQueries, count: 30, neighbours: 100,
            medianAbsoluteDifferenceBefore: 0, medianAbsoluteDifferenceAfter: 0)
        let adapter = Adapter(
            map: .identity(source: 12, target: 12), sourceModel: "new", targetModel: "old", stage: "adapt",
            configurationHash: "-", version: "test", extraMetadata: exact.metadata)
        let test = Qrels(judgments: ["q1": ["d1": 1], "q2": ["d2": 1], "q3": ["d3": 0]])
        let check = try #require(
            try ScoreCalibrationCheck.measure(
                adapter: adapter, queries: problem.queries, queryIds: problem.queryIds,
                indexQueries: planted.reference, corpus: planted.corpus, qrels: test))
        #expect(check.queries == 2 && check.neighbours == 100)
        #expect(check.medianAbsoluteDifferenceBefore > 0.01 && check.medianAbsoluteDifferenceAfter < 1e-4)
        #expect(
            try ScoreCalibrationCheck.measure(
                adapter: adapter, queries: problem.queries, queryIds: problem.queryIds, indexQueries: nil,
                corpus: planted.corpus, qrels: test) == nil)
    }
}
