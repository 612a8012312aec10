import ArgumentParser
import Foundation
import Workflows

/// The files stage two reads (shared by `era adapt` and `era sweep`), as an ``AdaptRequest``.
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
            The index model is retired (it cannot embed new queries): no map is trained on or applied to \
            --index-queries, the adapter is plain (f = W x + b); the index model's queries, when given, only \
            score the index as it was.
            """)
    var retiredIndexModel = false

    /// The files read, by flag, for the output guard.
    var guardInputs: [OutputGuard.Input] {
        [
            .init("--adapter", adapter), .init("--queries", queries), .init("--query-ids", queryIds),
            .init("--qrels", qrels),
        ]
            + indexFlags.guardInput("--corpus")
            + (corpusIds.map { [.init("--corpus-ids", $0)] } ?? [])
            + (indexQueries.map { [.init("--index-queries", $0)] } ?? [])
    }

    /// The request of these flags, with the stage-one adapter read (its settings are the library's
    /// defaults until the caller sets them).
    func request(_ files: InputFiles) throws -> AdaptRequest {
        let stageOne = try Adapter.load(URL(fileURLWithPath: adapter))
        let index = try indexFlags.source(requiringIds: true)
        var request = AdaptRequest(
            stageOne: stageOne, stageOneName: adapter, queries: queries, queryIds: queryIds, index: index,
            labels: qrels, files: files)
        request.indexQueries = indexQueries
        request.indexModelRetired = retiredIndexModel
        return request
    }

    var indexFlags: IndexFlags { IndexFlags(location: corpus, idsFlag: "--corpus-ids", ids: corpusIds) }

    /// Reads and cross-checks the inputs (for `era sweep`), logging as `era adapt` does.
    func prepare(_ files: InputFiles) throws -> AdaptRequest.Prepared {
        do { return try request(files).prepare(progress: log, warn: warning) } catch let failure
            as AdaptRequest.Failure
        { throw error(failure) }
    }

    /// A failure as the CLI tells it: an unreadable input's own error (it names the file or the
    /// store), else the message with the input named by its flag.
    func error(_ failure: AdaptRequest.Failure) -> any Error {
        failure.unreadableCause ?? CommandError(failure.message(naming: flag))
    }

    /// The flag (with its value) that gave the input of `role`.
    func flag(_ role: AdaptRequest.Role) -> String {
        switch role {
        case .stageOne: "--adapter \(adapter)"
        case .queries: "--queries \(queries)"
        case .queryIds: "--query-ids \(queryIds)"
        case .index: "--corpus \(corpus)"
        case .indexIds: corpusIds.map { "--corpus-ids \($0)" } ?? "--corpus-ids"
        case .indexQueries: "--index-queries \(indexQueries ?? "")"
        case .labels: "--qrels \(qrels)"
        case .settings: "the adapt options"
        }
    }

    /// Pulls of a store, always on stderr (the command's `--quiet` governs training progress only).
    func log(_ event: AdaptRequest.Event) {
        guard case .pulled(let store, let rows, let pages) = event else { return }
        printProgress(
            pages.map { "\(corpus): pulled \(rows) records in \($0) pages" } ?? "\(store): pulled \(rows) rows by COPY")
    }

    /// A warning about an input: the labels' by their file (the store's name their location already).
    func warning(_ role: AdaptRequest.Role, _ message: String) {
        warn(role == .labels ? "\(qrels): \(message)" : message)
    }
}
