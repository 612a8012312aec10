/// The data a pipeline reads. Which parts are required depends on its stages
/// (align needs `alignment`, adapt needs `qrels.labeled`, evaluate needs `qrels.evaluation`, ...).
public struct DataConfig: Sendable, Hashable, Encodable {
    public var queries: QueryData?
    public var index: IndexData?
    public var alignment: AlignmentData?
    public var qrels: QrelsData

    /// Every file named, with its key path (`data.index.embeddings`, ...), in a stable order.
    public var files: [(keyPath: String, file: DataFile)] {
        var result: [(String, DataFile)] = []
        func add(_ path: String, _ file: DataFile?) { if let file { result.append((path, file)) } }
        add("data.queries.embeddings", queries?.embeddings)
        add("data.queries.ids", queries?.ids)
        add("data.queries.index_model_embeddings", queries?.indexModelEmbeddings)
        add("data.index.embeddings", index?.embeddings)
        add("data.index.ids", index?.ids)
        add("data.index.query_model_embeddings", index?.queryModelEmbeddings)
        add("data.alignment.query_model", alignment?.queryModel)
        add("data.alignment.index_model", alignment?.indexModel)
        add("data.alignment.ids", alignment?.ids)
        add("data.qrels.labeled", qrels.labeled)
        add("data.qrels.evaluation", qrels.evaluation)
        return result
    }
}

/// Queries embedded by the query model Q (n_q x p), their ids, and optionally the same
/// queries embedded by the index model D (for the "D zero-shot" baseline).
public struct QueryData: Sendable, Hashable, Encodable {
    public var embeddings: DataFile
    public var ids: DataFile
    public var indexModelEmbeddings: DataFile?

    enum CodingKeys: String, CodingKey {
        case embeddings, ids
        case indexModelEmbeddings = "index_model_embeddings"
    }
}

/// The existing index: documents embedded by D (N x m) and their ids, as files or in a store (one
/// of `IndexStores.all`: a Chroma collection, `chroma:`, searched on its server; a pgvector table,
/// `postgres:`, searched in the database), and optionally the same documents embedded by Q (for the
/// "re-embed everything" upper bound).
public struct IndexData: Sendable, Hashable, Encodable {
    /// Set unless the index is a store.
    public var embeddings: DataFile?
    /// Set unless the index is a store.
    public var ids: DataFile?
    public var queryModelEmbeddings: DataFile?
    /// The store that holds the index (instead of `embeddings` and `ids`).
    var store: (any IndexStoreConfig)?

    /// The index as a Chroma collection.
    public var chroma: ChromaIndexConfig? { store as? ChromaIndexConfig }
    /// The index as a pgvector table.
    public var postgres: PostgresIndexConfig? { store as? PostgresIndexConfig }

    /// Whether the index lives in a store (its documents and ids are not files).
    public var isStore: Bool { store != nil }

    /// The store's key path (`data.index.chroma`, `data.index.postgres`), for messages.
    var storeKeyPath: String? { store.map { type(of: $0).keyPath } }

    public static func == (lhs: IndexData, rhs: IndexData) -> Bool {
        lhs.embeddings == rhs.embeddings && lhs.ids == rhs.ids && lhs.queryModelEmbeddings == rhs.queryModelEmbeddings
            && lhs.store.map { AnyHashable($0) } == rhs.store.map { AnyHashable($0) }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(embeddings)
        hasher.combine(ids)
        hasher.combine(queryModelEmbeddings)
        hasher.combine(store.map { AnyHashable($0) })
    }

    /// The keys in the order the resolved configuration writes them: the files, the store under its
    /// own key, then `query_model_embeddings`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encodeIfPresent(embeddings, forKey: Key("embeddings"))
        try container.encodeIfPresent(ids, forKey: Key("ids"))
        if let store { try container.encode(store, forKey: Key(type(of: store).key)) }
        try container.encodeIfPresent(queryModelEmbeddings, forKey: Key("query_model_embeddings"))
    }

    /// A key of `data.index`: a fixed one or a store's.
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.init(stringValue) }
        init?(intValue: Int) { nil }
    }
}

/// Texts embedded by both models, rows matched: X (n x p) from Q and Y (n x m) from D. Without
/// `index_model`, when the index is a store (a Chroma collection, a pgvector table), Y is the
/// store's records of `ids` (only the sampled ones are fetched).
public struct AlignmentData: Sendable, Hashable, Encodable {
    public var queryModel: DataFile
    /// Nil: the records of `ids` in the store of `data.index.chroma` or `data.index.postgres`.
    public var indexModel: DataFile?
    /// Text ids of the rows (one per line), if given.
    public var ids: DataFile?

    enum CodingKeys: String, CodingKey {
        case ids
        case queryModel = "query_model"
        case indexModel = "index_model"
    }
}

/// Relevance judgments (BEIR TSV or TREC): the labeled pool stage two learns from, and the
/// evaluation set.
public struct QrelsData: Sendable, Hashable, Encodable {
    public var labeled: DataFile?
    public var evaluation: DataFile?
}
