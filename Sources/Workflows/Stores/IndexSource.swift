import Alignment
import Chroma
import Foundation
import LinearAlgebra
import Postgres

/// The index a request reads, the same for align, adapt and evaluate: an embeddings file with its
/// ids, a Chroma collection, or a pgvector table. ``init(parsing:ids:options:)`` is the one place
/// that tells a `--corpus`-style location apart; each use case resolves it once per run into what
/// it needs (the corpus and its ids, the search, the hard-negative search, the records by id),
/// through the store's own resolver (`IndexSource+Chroma.swift`, `IndexSource+Postgres.swift`).
public enum IndexSource: Sendable {
    /// The document embeddings (`.npy`) and their ids, one a line (nil where the use does without).
    case files(embeddings: String, ids: String?)
    /// A Chroma collection, reached with `policy`.
    case chroma(ChromaLocation, policy: ChromaRetryPolicy = ChromaRetryPolicy())
    /// A pgvector table: `search` is set for an evaluation's session; `policy` retries a lost connection.
    case postgres(
        PostgresLocation, search: PostgresIndex.SearchSettings = PostgresIndex.SearchSettings(),
        policy: PostgresRetryPolicy = PostgresRetryPolicy())

    /// What a front end sets beside the location, used by the store the location names.
    public struct Options: Sendable {
        public var chromaPolicy = ChromaRetryPolicy()
        public var postgresSearch = PostgresIndex.SearchSettings()
        public var postgresPolicy = PostgresRetryPolicy()
        public init() {}
    }

    /// A location that cannot name an index.
    public struct ParseError: Error, CustomStringConvertible {
        public enum Problem: Sendable {
            /// Ids were given for a store, whose records carry their own.
            case storeCarriesIds(StoreKind)
            /// The store's location does not parse (its own error names it).
            case unreadable(any Error)
        }
        public var problem: Problem

        /// The problem in words, without the ids' input's name (each front end puts its own before it).
        public var detail: String {
            switch problem {
            case .storeCarriesIds(let kind): Self.storeCarriesIds(kind)
            case .unreadable(let error): "\(error)"
            }
        }

        static func storeCarriesIds(_ kind: StoreKind) -> String {
            "not used with \(kind.records) carry their ids); leave it out"
        }

        public var description: String { detail }
    }

    /// The stores era reads, in the order their locations are tried.
    static let stores: [(kind: StoreKind, parse: @Sendable (String, Options) throws -> IndexSource)] = [
        (.chroma, chromaSource), (.postgres, postgresSource),
    ]

    /// The store a location names (by its scheme: `chroma://`, `postgresql://`); nil for a file path.
    public static func kind(of location: String) -> StoreKind? {
        stores.first { $0.kind.isLocation(location) }?.kind
    }

    /// The index `location` names: a store's location (whose records carry their ids, so `ids` must
    /// be nil), else an embeddings file with `ids`.
    public init(parsing location: String, ids: String?, options: Options = Options()) throws(ParseError) {
        guard let store = Self.stores.first(where: { $0.kind.isLocation(location) }) else {
            self = .files(embeddings: location, ids: ids)
            return
        }
        guard ids == nil else { throw ParseError(problem: .storeCarriesIds(store.kind)) }
        do { self = try store.parse(location, options) } catch { throw ParseError(problem: .unreadable(error)) }
    }

    /// Whether the index is a store (its location is not a file).
    public var isStore: Bool { store != nil }

    /// The store's resolver; nil for files. Adding a store adds its case here and its resolver file.
    var store: (any IndexStore)? {
        switch self {
        case .files: nil
        case .chroma(let location, let policy): ChromaStore(location: location, policy: policy)
        case .postgres(let location, let search, let policy):
            PostgresStore(location: location, search: search, policy: policy)
        }
    }

    /// The embeddings file and its ids; nil for a store.
    public var embeddingFiles: (embeddings: String, ids: String?)? {
        if case .files(let embeddings, let ids) = self { return (embeddings, ids) }
        return nil
    }

    /// The embeddings file, or the store's location (for messages).
    public var location: String {
        if case .files(let embeddings, _) = self { return embeddings }
        return store?.description ?? ""
    }

    /// The store's kind; nil for files.
    public var kind: StoreKind? { store?.kind }

    /// The store's collection or table, or the first part of the embeddings file's name (split at
    /// its dots, the extension left out) that does not name a role: `mpnet.corpus.npy` -> `mpnet`,
    /// `align.mpnet.npy` and `queries.mpnet.npy` -> `mpnet` (the bundled example's names), and
    /// `corpus.npy` -> `corpus`. The model's name when none is given.
    public var modelName: String {
        switch self {
        case .files(let embeddings, _):
            let stem = URL(fileURLWithPath: embeddings).deletingPathExtension().lastPathComponent
            let parts = stem.split(separator: ".").map(String.init)
            return parts.first { !Self.roleWords.contains($0.lowercased()) } ?? parts.first ?? ""
        default: return store?.name ?? ""
        }
    }

    /// Words that name what a file holds rather than the model that embedded it.
    static let roleWords: Set<String> = [
        "align", "alignment", "corpus", "docs", "documents", "embeddings", "index", "queries", "query",
        "train", "test", "dev",
    ]
}
