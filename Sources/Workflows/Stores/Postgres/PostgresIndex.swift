import Alignment
import Foundation
import LinearAlgebra
import Postgres
import Retrieval

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
