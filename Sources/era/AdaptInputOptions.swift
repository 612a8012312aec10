import Alignment
import ArgumentParser
import Chroma
import EmbeddingIO
import Foundation
import LinearAlgebra
import Postgres
import Retrieval
import Workflows

/// The files stage two reads (shared by `era adapt` and `era sweep`).
struct AdaptInputOptions: ParsableArguments {
    @Option(help: "The stage-one adapter (.safetensors) to start from.") var adapter: String
    @Option(help: "Query embeddings of the query model, .npy [queries, p].") var queries: String
    @Option(help: "Query ids, one a line, in the row order of --queries.") var queryIds: String
    @Option(
        help:
            "The index's document embeddings, .npy [documents, m] (<f4 files are memory-mapped); or a Chroma collection, chroma://HOST:PORT/COLLECTION, pulled in pages (hard negatives are searched through its query API)."
    )
    var corpus: String
    @Option(help: "Document ids, one a line, in the row order of --corpus (not with a chroma:// --corpus).")
    var corpusIds: String?
    @Option(help: "TRAINING relevance judgments (BEIR TSV or TREC); the only labels stage two reads.")
    var qrels: String
    @Option(
        help: """
            The index model's own embeddings of the same queries, .npy [queries, m], rows in the order of --query-ids: \
            stage two then writes a hybrid adapter f(x, y) = W x + V y + b, chosen against the index as it is.
            """)
    var indexQueries: String?
    @Flag(
        help: """
            The index model is retired (it cannot embed new queries): no map is trained on or applied to             --index-queries, the adapter is plain (f = W x + b); the index model's queries, when given, only             score the index as it was.
            """)
    var retiredIndexModel = false

    struct Loaded {
        var problem: AdaptProblem
        var stageOne: Adapter
        /// With a `chroma://` corpus: mining's search through the collection (already in `problem`).
        var mining: ChromaNegativeSearch?
        /// `--index-queries` of a retired index model: kept out of `problem` (no map reads them).
        var retiredIndexQueries: (any RowMatrix)? = nil
    }

    /// The files read, by flag, for the output guard.
    var guardInputs: [OutputGuard.Input] {
        [
            .init("--adapter", adapter), .init("--queries", queries), .init("--query-ids", queryIds),
            .init("--qrels", qrels),
        ]
            + (ChromaLocation.isLocation(corpus) || PostgresLocation.isLocation(corpus)
                ? [] : [.init("--corpus", corpus)])
            + (corpusIds.map { [.init("--corpus-ids", $0)] } ?? [])
            + (indexQueries.map { [.init("--index-queries", $0)] } ?? [])
    }

    /// Reads and cross-checks every file through `files`; each problem names its file.
    func load(_ files: InputFiles) throws -> Loaded {
        let stageOne = try Adapter.load(URL(fileURLWithPath: adapter))
        let queryMatrix = try files.embeddings(queries, checked: true)
        let corpusMatrix: any RowMatrix, documentIds: [String], mining: ChromaNegativeSearch?
        var throughPostgres: PostgresNegativeSearch? = nil
        if PostgresLocation.isLocation(corpus) {
            let pulled = try postgresTable()
            (corpusMatrix, documentIds, mining, throughPostgres) = (pulled.0, pulled.1, nil, pulled.2)
        } else {
            (corpusMatrix, documentIds, mining) = try corpusTable(files)
        }
        guard queryMatrix.columns == stageOne.map.sourceDimension else {
            throw CommandError(
                "\(queries) has dimension \(queryMatrix.columns) but \(adapter) maps from "
                    + "\(stageOne.map.sourceDimension): the queries must come from the adapter's query model")
        }
        guard corpusMatrix.columns == stageOne.map.targetDimension else {
            throw CommandError(
                "\(corpus) has dimension \(corpusMatrix.columns) but \(adapter) maps into "
                    + "\(stageOne.map.targetDimension): the corpus must be the adapter's index")
        }
        let own = try indexQueries.map { try files.embeddings($0, checked: true) }
        if let own, let path = indexQueries, own.rows != queryMatrix.rows || own.columns != corpusMatrix.columns {
            throw CommandError(
                "--index-queries \(path): is \(own.rows) x \(own.columns) but must hold the index model's vector of "
                    + "each query of \(queries): \(queryMatrix.rows) x \(corpusMatrix.columns), rows in the order of \(queryIds)"
            )
        }
        var problem = AdaptProblem(
            queries: queryMatrix, queryIds: try files.ids(queryIds, rowsOf: queries),
            corpus: corpusMatrix, corpusIds: documentIds,
            trainingQrels: try files.qrels(qrels), stageOne: stageOne.map, indexQueries: retiredIndexModel ? nil : own)
        problem.indexModelRetired = retiredIndexModel
        let search = mining?.search(corpus: corpusMatrix)
        if let reason = search?.reason { warn(reason) }
        if let found = search?.search { problem.negativeSearch = found }
        if let throughPostgres { problem.negativeSearch = throughPostgres.search }
        return Loaded(
            problem: problem, stageOne: stageOne, mining: search?.search == nil ? nil : mining,
            retiredIndexQueries: retiredIndexModel ? own : nil)
    }
}
