import AdapterFormat
import Alignment
import Foundation
import LinearAlgebra
import Testing
import Workflows

@testable import Pipeline

/// The pipeline's side of ``AdaptRequest/Failure``: the role becomes a key path (the labels with
/// their file), with no reading of the message.
@Suite struct AdaptStageFailureTests {
    let data: DataConfig = {
        let at = SourceLocation(file: "p.yaml", line: 1, column: 1)
        func file(_ path: String) -> DataFile { DataFile(path: path, location: at) }
        return DataConfig(
            queries: QueryData(embeddings: file("/nowhere/q.npy"), ids: file("/nowhere/q.txt")),
            index: IndexData(embeddings: file("/nowhere/d.npy"), ids: file("/nowhere/d.txt")), alignment: nil,
            qrels: QrelsData(labeled: file("/nowhere/train.tsv")))
    }()

    @Test func anUnreadableInputIsNamedByItsKeyPath() throws {
        let stageOne = Adapter(
            map: try AffineMap(weight: Matrix.identity(rows: 2, columns: 3), bias: [0, 0]), sourceModel: "q",
            targetModel: "d", stage: "align", configurationHash: "-", version: "test")
        let request = AdaptRequest(
            stageOne: stageOne, stageOneName: "the map of stage align", queries: "/nowhere/q.npy",
            queryIds: "/nowhere/q.txt", index: .files(embeddings: "/nowhere/d.npy", ids: "/nowhere/d.txt"),
            labels: "/nowhere/train.tsv")
        let failure = try #require(throws: AdaptRequest.Failure.self) { try request.prepare() }
        #expect(failure.role == .queries)
        let message = "\(failure.pipelineError(data))"
        #expect(message.hasPrefix("data.queries.embeddings: ") && message.contains("/nowhere/q.npy"), "\(message)")
    }

    @Test func theTrainersRefusalNamesTheLabelsByKeyAndFile() {
        let failure = AdaptRequest.Failure(
            role: .labels, reason: .training(.tooFewLabeledQueries(needed: 2, got: 0, purpose: "training")))
        let message = "\(failure.pipelineError(data))"
        #expect(message.hasPrefix("adapt: "))
        #expect(message.contains("the labels come from data.qrels.labeled (/nowhere/train.tsv)"), "\(message)")
    }
}
