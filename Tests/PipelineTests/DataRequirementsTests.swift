import Testing

@testable import Pipeline

/// The data each stage kind and each baseline needs is named once, by key path, and checked with
/// `DataConfig.sets`: a key path it does not know would read as never set, and every pipeline
/// would be told it lacks that data.
@Suite("Data requirements by key path")
struct DataRequirementsTests {
    static let everyKeyPath =
        StageKind.allCases.flatMap { StageDecoder.neededData[$0] ?? [] }
        + EvaluateOptions.Baseline.allCases.map(StageOptionsDecoder.requirement(of:))

    static func file(_ name: String) -> DataFile {
        DataFile(path: "/data/\(name)", location: SourceLocation(file: "p.yaml", line: 1, column: 1))
    }

    @Test func everyRequirementIsSetByDataThatHasEveryFile() {
        let full = DataConfig(
            queries: QueryData(
                embeddings: Self.file("q.npy"), ids: Self.file("q.txt"), indexModelEmbeddings: Self.file("qd.npy")),
            index: IndexData(
                embeddings: Self.file("d.npy"), ids: Self.file("d.txt"), queryModelEmbeddings: Self.file("dq.npy")),
            alignment: AlignmentData(queryModel: Self.file("aq.npy"), indexModel: Self.file("ad.npy")),
            qrels: QrelsData(labeled: Self.file("train.tsv"), evaluation: Self.file("test.tsv")))
        #expect(Self.everyKeyPath.count == 14)
        for keyPath in Self.everyKeyPath {
            #expect(full.sets(keyPath), "\(keyPath)")
        }
    }

    @Test func noRequirementIsSetByEmptyData() {
        let empty = DataConfig(queries: nil, index: nil, alignment: nil, qrels: QrelsData())
        for keyPath in Self.everyKeyPath {
            #expect(!empty.sets(keyPath), "\(keyPath)")
        }
    }

    @Test func anOptionalFileIsSetOnlyWhenWritten() {
        let data = DataConfig(
            queries: QueryData(embeddings: Self.file("q.npy"), ids: Self.file("q.txt")), index: nil, alignment: nil,
            qrels: QrelsData(labeled: Self.file("train.tsv")))
        #expect(data.sets("data.queries"))
        #expect(!data.sets("data.queries.index_model_embeddings"))
        #expect(data.sets("data.qrels.labeled"))
        #expect(!data.sets("data.qrels.evaluation"))
    }
}
