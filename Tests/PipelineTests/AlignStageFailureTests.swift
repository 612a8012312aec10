import Foundation
import LinearAlgebra
import Testing
import Workflows

@testable import Pipeline

/// The pipeline's side of ``AlignRequest/Failure``: the role becomes a key path, with no reading of
/// the message.
@Suite struct AlignStageFailureTests {
    static let at = SourceLocation(file: "p.yaml", line: 1, column: 1)
    static func file(_ path: String) -> DataFile { DataFile(path: path, location: at) }

    static func data(indexModel: String?, chroma: Bool = false) -> DataConfig {
        DataConfig(
            queries: nil,
            index: chroma
                ? IndexData(
                    store: ChromaIndexConfig(
                        url: "http://localhost:8000", collection: "docs", tenant: "default_tenant",
                        database: "default_database"))
                : nil,
            alignment: AlignmentData(
                queryModel: file("/nowhere/s.npy"), indexModel: indexModel.map(file), ids: file("/nowhere/ids.txt")),
            qrels: QrelsData())
    }

    @Test func eachRoleHasItsKeyPath() {
        let files = Self.data(indexModel: "/nowhere/t.npy"), store = Self.data(indexModel: nil, chroma: true)
        let expected: [AlignRequest.Role: String] = [
            .source: "data.alignment.query_model", .sourceIds: "data.alignment.ids",
            .target: "data.alignment.index_model", .targetIds: "data.alignment.ids", .sample: "samples",
            .anchors: "anchors", .unpaired: "pairing: unpaired", .settings: "options",
        ]
        for role in AlignRequest.Role.allCases { #expect(role.keyPath(in: files) == expected[role], "\(role)") }
        #expect(AlignRequest.Role.target.keyPath(in: store) == "data.index.chroma")
    }

    @Test func anUnreadableInputIsNamedByItsKeyPath() throws {
        let request = AlignRequest(
            source: "/nowhere/s.npy", sourceIds: nil, target: .files(embeddings: "/nowhere/t.npy", ids: nil),
            seed: 0, sourceModel: "q", targetModel: "d")
        let failure = try #require(throws: AlignRequest.Failure.self) { try request.prepare() }
        #expect(failure.role == .source)
        let message = "\(failure.pipelineError(Self.data(indexModel: "/nowhere/t.npy")))"
        #expect(message.hasPrefix("data.alignment.query_model: ") && message.contains("/nowhere/s.npy"), "\(message)")
    }

    @Test func aProblemLeadsWithTheStageAndNamesEveryInputByKey() {
        let failure = AlignRequest.Failure(role: .sample, problem: .sampleOfFiles)
        let message = "\(failure.pipelineError(Self.data(indexModel: "/nowhere/t.npy")))"
        #expect(message.hasPrefix("align: samples: with pairing: unpaired, only a Chroma collection's"), "\(message)")
        #expect(message.hasSuffix("every row of data.alignment.index_model takes part"), "\(message)")
        let nonFinite = AlignRequest.Failure(role: .target, problem: .nonFinite("target row d3"))
        #expect(
            "\(nonFinite.pipelineError(Self.data(indexModel: nil, chroma: true)))"
                == "align: data.index.chroma: target row d3 contains NaN or infinity")
    }
}
