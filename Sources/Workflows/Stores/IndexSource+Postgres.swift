import Alignment
import Foundation
import LinearAlgebra
import Postgres
import Retrieval

// A pgvector table as an index source: its kind, its location's parse, what each use case asks
// of it, and the types that search and mine through it.

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

/// A pgvector table as the index of an evaluation: opened and checked once, then searched by
/// inner product (`ORDER BY e <#> q LIMIT k`) in place of exact search.
///
/// Opening checks what era can check without pulling the table: the dimension, that the vectors
/// of a first page are unit-norm (inner product then ranks like the cosine era's maps are trained
/// for), and which judged documents the table holds.
public struct PostgresIndex: ServedIndex {
    public let table: PostgresTable
    /// The judged document ids the table holds (those of the qrels given when it was opened).
    public let judgedInTable: Set<String>
    /// Judged document ids it lacks (warned and counted, as with files).
    public let judgedMissing: Int
    /// The search settings set for the session when it was opened.
    public private(set) var searchSettings = SearchSettings()

    /// The approximate index's search settings era sets for the session.
    public struct SearchSettings: Sendable, Hashable {
        /// `hnsw.ef_search` (pgvector's default: 40); nil keeps the server's.
        public var efSearch: Int?
        /// `ivfflat.probes` (pgvector's default: 1); nil keeps the server's.
        public var probes: Int?
        public init(efSearch: Int? = nil, probes: Int? = nil) {
            self.efSearch = efSearch
            self.probes = probes
        }
    }

    /// Opens the table, checks that it can serve `dimension`-d queries scored by inner product,
    /// sets the search settings, and looks up which judged documents of `qrels` it holds.
    /// - Throws: `PostgresError` with the reason (dimension, vectors that are not unit-norm, an
    ///   unreachable server, a missing table, column or extension).
    public static func open(
        _ location: PostgresLocation, dimension: Int?, qrels: [Qrels], search: SearchSettings = SearchSettings(),
        policy: PostgresRetryPolicy = PostgresRetryPolicy()
    ) throws -> PostgresIndex {
        let table = try PostgresTable(location, policy: policy)
        guard dimension == nil || table.dimension == dimension else {
            throw PostgresError.incompatible(
                table: location.table,
                reason: "holds \(table.dimension)-d embeddings but the queries searched are \(dimension ?? 0)-d: "
                    + "the map must go into the index model's space (check the adapter and the index model's query vectors)"
            )
        }
        let sample = try table.first(StoreEvaluation.normSample)
        if let (id, norm) = StoreEvaluation.firstNonUnit(sample.ids, sample.matrix) {
            throw PostgresError.incompatible(
                table: location.table,
                reason: "row \(id) has norm " + String(format: "%.4f", norm) + ": inner product (<#>) then ranks by "
                    + "length as well as direction, unlike the cosine era's maps are trained for; store unit-norm "
                    + "embeddings (normalize before loading, or UPDATE ... SET \(location.embeddingColumn) = "
                    + "\(location.embeddingColumn) / norm in the application)")
        }
        if let ef = search.efSearch { try table.setSearchParameter("hnsw.ef_search", ef) }
        if let probes = search.probes { try table.setSearchParameter("ivfflat.probes", probes) }
        let judged = StoreEvaluation.judged(qrels)
        let present = try table.existing(judged)
        var index = PostgresIndex(table: table, judgedInTable: present, judgedMissing: judged.count - present.count)
        index.searchSettings = search
        return index
    }

    public var serverCorpus: Matrix { Matrix(rows: 0, columns: table.dimension) }

    /// The search of ``EvaluateWorkflow``: each row's (mapped) queries sent in batches to the table.
    public var search: EvaluateWorkflow.Search {
        StoreEvaluation.search(judged: judgedInTable) { [table] queries, depth in
            try table.nearest(queries, k: depth).map(\.ids)
        }
    }

    public func storeRun(_ outcome: StoreEvaluation.Outcome) -> EvaluateWorkflow.StoreRun {
        EvaluateWorkflow.StoreRun(name: StoreKind.postgres.name, outcome: outcome, searchSettings: searchSettings)
    }

    /// The table pulled by one binary COPY, in id order.
    public func pulledForExactSearch(limit: Int) throws -> (ids: [String], matrix: Matrix) {
        try table.all(limit: limit)
    }
}

/// Hard-negative mining through a pgvector table: the teacher-mapped queries of stage two are
/// searched in the table by inner product, and the returned ids become rows of the table pulled
/// for stage two, which mining scores itself (Alignment's `AdaptCandidateSearch`), as on the
/// Chroma path. Opening the table (``PostgresIndex``) checked that it ranks by inner product on
/// unit-norm rows.
public struct PostgresNegativeSearch: Sendable {
    public let table: PostgresTable
    private let pulled: PulledRows

    /// The search over `table`, whose rows were pulled as rows `corpusIds`.
    public init(table: PostgresTable, corpusIds: [String]) {
        self.table = table
        pulled = PulledRows(corpusIds)
    }

    /// The search for `AdaptProblem.negativeSearch`.
    public var search: AdaptCandidateSearch {
        let name = table.location.description
        return AdaptCandidateSearch(name: name) { [table, pulled] queries, depth in
            try pulled.rows(try table.nearest(queries, k: depth).map(\.ids)) { id in
                PostgresError.badResponse(
                    table: table.location.table, statement: "the search",
                    reason: "returned row \(id), which was not among the rows pulled: the table changed "
                        + "during stage two; run again")
            }
        }
    }
}
