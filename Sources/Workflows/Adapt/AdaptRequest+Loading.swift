import Alignment
import Chroma
import Foundation
import LinearAlgebra
import Postgres
import Retrieval

extension AdaptRequest {
    /// Reads and cross-checks every input (each failure names its role), and builds the problem.
    public func prepare(
        progress: (Event) -> Void = { _ in }, warn: (Role, String) -> Void = { _, _ in }
    ) throws(Failure) -> Prepared {
        let queryMatrix = try read(.queries) { try files.embeddings(queries, checked: checkInputs) }
        let table = try read(.index) { try pulledIndex(progress: progress) }
        if checkInputs {
            let map = stageOne.map
            guard queryMatrix.columns == map.sourceDimension else {
                throw Failure(
                    role: .queries,
                    reason: .problem(
                        "has dimension \(queryMatrix.columns) but \(stageOneName) maps from \(map.sourceDimension): "
                            + "the queries must come from the adapter's query model"))
            }
            guard table.corpus.columns == map.targetDimension else {
                throw Failure(
                    role: .index,
                    reason: .problem(
                        "has dimension \(table.corpus.columns) but \(stageOneName) maps into \(map.targetDimension): "
                            + "the corpus must be the adapter's index"))
            }
        }
        let mapReadsIndexQueries = hybrid && !indexModelRetired && indexQueries != nil
        let own = try readIndexQueries(
            when: mapReadsIndexQueries || calibrateWithIndexQueries || checkInputs, queries: queryMatrix,
            dimension: table.corpus.columns)
        let ids = try read(.queryIds) { try files.ids(queryIds, rowsOf: checkInputs ? queries : nil) }
        let qrels = try read(.labels) { try files.qrels(labels) }
        var problem = AdaptProblem(
            queries: queryMatrix, queryIds: ids, corpus: table.corpus, corpusIds: table.ids, trainingQrels: qrels,
            stageOne: stageOne.map, indexQueries: mapReadsIndexQueries ? own : nil)
        problem.indexModelRetired = indexModelRetired
        var mining: ChromaNegativeSearch? = nil
        switch table.mining {
        case .chroma(let server):
            let found = server.search(corpus: table.corpus)
            if let reason = found.reason { warn(.index, reason) }
            if let search = found.search { (problem.negativeSearch, mining) = (search, server) }
        case .postgres(let table): problem.negativeSearch = table.search
        case nil: break
        }
        return Prepared(
            problem: problem, calibrationQueries: calibrateWithIndexQueries && !mapReadsIndexQueries ? own : nil,
            mining: mining)
    }

    /// Whether `location` names a store (`chroma://`, `postgresql://`) rather than a file.
    public static func isStore(_ location: String) -> Bool { StoreKind(location: location) != nil }

    /// The index a user named: a store's location (whose records carry their ids), or an embeddings
    /// file with its id list.
    public static func index(_ location: String, ids: String?) throws(Failure) -> Index {
        switch StoreKind(location: location) {
        case let kind? where ids != nil:
            throw Failure(
                role: .indexIds, reason: .problem("not used with \(kind.records) carry their ids); leave it out"))
        case .chroma: return .chroma(try read(.index) { try ChromaLocation(parsing: location) })
        case .postgres: return .postgres(try read(.index) { try PostgresLocation(parsing: location) })
        case nil: break
        }
        guard let ids else {
            throw Failure(role: .indexIds, reason: .problem("give the ids of the rows of \(location)"))
        }
        return .files(embeddings: location, ids: ids)
    }

    private enum Mining {
        case chroma(ChromaNegativeSearch)
        case postgres(PostgresNegativeSearch)
    }

    /// The index's documents and ids: the files, or the store pulled whole (stage two scores every
    /// document), with the search that mines hard negatives through it.
    private func pulledIndex(progress: (Event) -> Void) throws -> (
        corpus: any RowMatrix, ids: [String], mining: Mining?
    ) {
        switch index {
        case .files(let embeddings, let ids):
            let corpus = try files.embeddings(embeddings, checked: checkInputs)
            let documentIds: [String]
            do { documentIds = try files.ids(ids, rowsOf: checkInputs ? embeddings : nil) } catch {
                throw Failure(role: .indexIds, reason: .unreadable(error))
            }
            return (corpus, documentIds, nil)
        case .chroma(let location):
            let collection = try ChromaCollection(location)
            let pulled = try collection.all(limit: StoreEvaluation.defaultExactLimit)
            progress(
                .pulled(store: location.description, rows: pulled.ids.count, pages: collection.traffic.pagesFetched))
            return (
                pulled.matrix, pulled.ids, .chroma(ChromaNegativeSearch(collection: collection, corpusIds: pulled.ids))
            )
        case .postgres(let location, let policy):
            let index = try PostgresIndex.open(location, dimension: nil, qrels: [], policy: policy)
            let pulled = try index.table.all(limit: StoreEvaluation.defaultExactLimit)
            progress(.pulled(store: index.table.location.description, rows: pulled.ids.count, pages: nil))
            return (
                pulled.matrix, pulled.ids, .postgres(PostgresNegativeSearch(table: index.table, corpusIds: pulled.ids))
            )
        }
    }

    /// The index model's queries, read when some use (or the input check) asks for them, checked to
    /// hold one vector of the index's dimension per query.
    private func readIndexQueries(when wanted: Bool, queries queryMatrix: any RowMatrix, dimension: Int) throws(Failure)
        -> (any RowMatrix)?
    {
        guard wanted, let path = indexQueries else { return nil }
        let own = try read(.indexQueries) { try files.embeddings(path, checked: checkInputs) }
        if checkInputs, own.rows != queryMatrix.rows || own.columns != dimension {
            throw Failure(
                role: .indexQueries,
                reason: .problem(
                    "is \(own.rows) x \(own.columns) but must hold the index model's vector of each query of "
                        + "\(queries): \(queryMatrix.rows) x \(dimension), rows in the order of \(queryIds)"))
        }
        return own
    }

    private func read<T>(_ role: Role, _ body: () throws -> T) throws(Failure) -> T {
        try Self.read(role, body)
    }

    private static func read<T>(_ role: Role, _ body: () throws -> T) throws(Failure) -> T {
        do { return try body() } catch let failure as Failure { throw failure } catch {
            throw Failure(role: role, reason: .unreadable(error))
        }
    }
}
