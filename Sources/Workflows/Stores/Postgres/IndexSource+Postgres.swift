import Alignment
import Foundation
import LinearAlgebra
import Postgres
import Retrieval

// A pgvector table as an index source: its kind, its location's parse, what each use case asks
// of it, and (beside this file) the types that search and mine through it.

extension StoreKind {
    public static let postgres = StoreKind(
        name: "postgres", records: "a Postgres table (its rows", item: "row", container: "table",
        isLocation: PostgresLocation.isLocation)
}

extension IndexSource {
    static func postgresSource(_ location: String, _ options: Options) throws -> IndexSource {
        .postgres(
            try PostgresLocation(parsing: location), search: options.postgresSearch, policy: options.postgresPolicy)
    }
}

/// The table of an ``IndexSource``, opened as each use case needs it.
struct PostgresStore: IndexStore {
    let location: PostgresLocation
    /// Set for an evaluation's session only (mining keeps the server's).
    let search: PostgresIndex.SearchSettings
    let policy: PostgresRetryPolicy

    var kind: StoreKind { .postgres }
    var description: String { location.description }
    var name: String { location.table }

    func records() throws -> (store: any RecordStore, pages: () -> Int?) {
        (try PostgresTable(location, policy: policy), { nil })
    }

    /// Unpaired alignment samples a Chroma collection's records, not a table's.
    func sample(_ count: Int, seed: UInt64) throws -> (ids: [String], matrix: Matrix, pages: Int)? { nil }

    /// Checked for unit norms, pulled by one binary COPY; hard negatives are searched through it.
    func pulled(limit: Int) throws -> PulledStore {
        let index = try PostgresIndex.open(location, dimension: nil, qrels: [], policy: policy)
        let pulled = try index.table.all(limit: limit)
        let mining = PostgresNegativeSearch(table: index.table, corpusIds: pulled.ids)
        return PulledStore(
            ids: pulled.ids, matrix: pulled.matrix, pages: nil, description: index.table.location.description
        ) { _ in StoreMining(search: mining.search, reason: nil, traffic: nil) }
    }

    func served(judged: [Qrels]) throws -> (index: any ServedIndex, judgedMissing: Int) {
        let index = try PostgresIndex.open(location, dimension: nil, qrels: judged, search: search, policy: policy)
        return (index, index.judgedMissing)
    }
}

extension PostgresTable: RecordStore {
    public var storeDescription: String { location.description }
}
