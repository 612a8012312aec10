import AdapterFormat
import Alignment
import Foundation
import LinearAlgebra
import Testing
import Workflows

/// The lines and progress a run's stage log shows of each workflow's events, made in Workflows
/// (the stages only forward them): their text is the log's, byte for byte.
@Suite struct EventReportTests {
    static func progress(_ completed: Int, _ total: Int?, _ message: String) -> EventReport.Progress {
        .init(completed: completed, total: total, message)
    }

    @Test func alignTellsFetchesPairsAndBatches() {
        var settings = AlignSettings()
        settings.epochs = 3
        let request = AlignRequest(
            source: "s.npy", sourceIds: "ids.txt", target: .files(embeddings: "t.npy", ids: nil), settings: settings,
            seed: 0, sourceModel: "q", targetModel: "d")
        let name: (AlignRequest.Role) -> String = { $0 == .sourceIds ? "data.alignment.ids" : "?" }
        #expect(
            request.report(.fetched(store: "docs", kind: .chroma, rows: 90, pages: 2, missing: 10), naming: name)
                == EventReport(
                    line: "90 records of docs fetched by id in 2 pages; 10 ids of data.alignment.ids not in it"))
        #expect(
            request.report(.sampled(store: "docs", rows: 500, pages: 5), naming: name)
                == EventReport(line: "500 records of docs sampled in 5 pages for unpaired alignment"))
        #expect(
            request.report(.started(pairs: 100, p: 8, m: 6), naming: name)
                == EventReport(
                    line: "100 pairs, p = 8, m = 6",
                    progress: Self.progress(0, nil, "warm start (\(settings.warmStart.rawValue)) on 100 pairs")))
        // Batches in tenths of an epoch, with no line; the epoch's last always.
        let batch = request.report(.training(.batchFinished(epoch: 2, batch: 20, batches: 20, loss: 1)), naming: name)
        #expect(batch == EventReport(progress: Self.progress(40, 60, "epoch 2/3")))
        #expect(
            request.report(.training(.batchFinished(epoch: 1, batch: 3, batches: 20, loss: 1)), naming: name)
                == EventReport())
    }

    @Test func adaptTellsATablesPullAndTheTrainersSteps() throws {
        let stageOne = Adapter(
            map: try AffineMap(weight: Matrix.identity(rows: 2, columns: 3), bias: [0, 0]), sourceModel: "q",
            targetModel: "d", stage: "align", configurationHash: "-", version: "test")
        var request = AdaptRequest(
            stageOne: stageOne, stageOneName: "s", queries: "q.npy", queryIds: "q.txt",
            index: .files(embeddings: "d.npy", ids: "d.txt"), labels: "l.tsv")
        request.settings.maxSteps = 50
        #expect(
            request.report(.pulled(store: "docs", rows: 7, pages: nil))
                == EventReport(
                    line: "hard negatives searched through docs by inner product (<#>); 7 rows pulled by binary COPY"))
        #expect(request.report(.pulled(store: "docs", rows: 7, pages: 3)) == EventReport())
        #expect(
            request.report(.training(.evaluated(step: 10, trainingLoss: nil, devNDCG10: 0.5)))
                == EventReport(line: "step   10: dev nDCG@10 0.5000", progress: Self.progress(10, 50, "step 10")))
        #expect(request.report(.training(.mined(seconds: 1))).progress == nil)
        #expect(request.report(.minedThroughStore(line: "mined", summary: [:])) == EventReport(line: "mined"))
    }

    @Test func aSweepCountsTheEvaluationAsOneMoreStep() {
        #expect(SweepWorkflow.Progress.line("x").report == EventReport(line: "x"))
        #expect(
            SweepWorkflow.Progress.trained(completed: 2, total: 6).report
                == EventReport(progress: Self.progress(2, 7, "trained 2/6")))
        #expect(
            SweepWorkflow.Progress.evaluating(total: 6).report
                == EventReport(progress: Self.progress(6, 7, "evaluating")))
    }
}
