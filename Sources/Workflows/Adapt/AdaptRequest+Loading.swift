import Alignment
import Foundation
import LinearAlgebra
import Retrieval

extension AdaptRequest {
    /// Reads and cross-checks every input (each failure names its role), and builds the problem.
    public func prepare(
        progress: (Event) -> Void = { _ in }, warn: (Role, String) -> Void = { _, _ in }
    ) throws(Failure) -> Prepared {
        let queryMatrix = try read(.queries) { try files.embeddings(queries, checked: checkInputs) }
        let table = try pulledIndex(progress: progress)
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
        let mining = table.mining?(table.corpus)
        if let reason = mining?.reason { warn(.index, reason) }
        if let search = mining?.search { problem.negativeSearch = search }
        return Prepared(
            problem: problem, calibrationQueries: calibrateWithIndexQueries && !mapReadsIndexQueries ? own : nil,
            miningTraffic: mining?.traffic)
    }

    /// Whether `location` names a store (`chroma://`, `postgresql://`) rather than a file.
    public static func isStore(_ location: String) -> Bool { IndexSource.kind(of: location) != nil }

    /// The index a user named: a store's location (whose records carry their ids), or an embeddings
    /// file with its id list.
    public static func index(_ location: String, ids: String?) throws(Failure) -> IndexSource {
        let source: IndexSource
        do { source = try IndexSource(parsing: location, ids: ids) } catch {
            switch error.problem {
            case .storeCarriesIds: throw Failure(role: .indexIds, reason: .problem(error.detail))
            case .unreadable(let error): throw Failure(role: .index, reason: .unreadable(error))
            }
        }
        if case .files = source, ids == nil {
            throw Failure(role: .indexIds, reason: .problem("give the ids of the rows of \(location)"))
        }
        return source
    }

    /// The index's documents and ids: the files, or the store pulled whole (stage two scores every
    /// document), with the search that mines hard negatives through it.
    private func pulledIndex(progress: (Event) -> Void) throws(Failure) -> (
        corpus: any RowMatrix, ids: [String], mining: ((any RowMatrix) -> StoreMining)?
    ) {
        do throws(IndexSource.Failure) {
            return try index.corpus(files: files, checked: checkInputs) { store, rows, pages in
                progress(.pulled(store: store, rows: rows, pages: pages))
            }
        } catch {
            guard let cause = error.error else {
                throw Failure(role: .indexIds, reason: .problem("give the ids of the rows of \(index.location)"))
            }
            throw Failure(role: error.part == .ids ? .indexIds : .index, reason: .unreadable(cause))
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
