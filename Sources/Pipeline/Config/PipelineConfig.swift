/// A validated pipeline: what data it reads, which stages run in which order, with which options.
///
/// Produced by `PipelineConfig.load(path:overrides:)` after `include:`/`extends:`/`--set` are
/// merged and every key is checked; every default is filled in, every relative path is absolute.
/// The `Encodable` form (snake_case keys, as in the YAML) is what `config.resolved.yaml` holds.
public struct PipelineConfig: Sendable, Hashable, Encodable {
    /// Names the run directory (`runs/<name>`); defaults to the pipeline file's name without extension.
    public var name: String
    /// Seed of every random choice in every stage.
    public var seed: Int
    /// Absolute run directory if the file set `output:` (relative to the current directory); nil means `runs/<name>`.
    public var output: String?
    public var models: ModelPair
    public var data: DataConfig
    /// Stages in the order they were written (execution follows `StageGraph`).
    public var stages: [StageConfig]
    /// Absolute path of the pipeline file.
    public var sourceFile: String
    /// Things validation noticed that do not stop a run (e.g. sweep budgets at or above the
    /// labeled pool), in the same form as problems; `era run` prints them. Not encoded.
    public var notes: [ConfigProblem] = []

    public init(
        name: String, seed: Int, output: String?, models: ModelPair, data: DataConfig,
        stages: [StageConfig], sourceFile: String
    ) {
        self.name = name
        self.seed = seed
        self.output = output
        self.models = models
        self.data = data
        self.stages = stages
        self.sourceFile = sourceFile
    }

    enum CodingKeys: String, CodingKey {
        case name, seed, output, models, data, stages
    }

    /// The stage with this name, if any.
    public func stage(named name: String) -> StageConfig? {
        stages.first { $0.name == name }
    }
}

/// The two embedding models: Q embeds queries, D built the index.
public struct ModelPair: Sendable, Hashable, Encodable {
    public var query: ModelInfo
    public var index: ModelInfo

    public init(query: ModelInfo, index: ModelInfo) {
        self.query = query
        self.index = index
    }
}

/// A model's name (free text, e.g. a Hugging Face id) and, if given, its embedding dimension,
/// which validation checks against every `.npy` file that model produced.
public struct ModelInfo: Sendable, Hashable, Encodable {
    public var name: String?
    public var dim: Int?
    /// `models.index.retired`: the model can no longer embed new queries (its API is switched off,
    /// or it is too slow to serve). Its query vectors, when the data has them, only score the index
    /// as it was (`index-as-is`): no map is trained on them or applied to them, and the verdict
    /// answers the upgrade question ("can I switch to the new model now?").
    public var retired = false

    public init(name: String? = nil, dim: Int? = nil, retired: Bool = false) {
        self.name = name
        self.dim = dim
        self.retired = retired
    }

    enum CodingKeys: String, CodingKey {
        case name, dim, retired
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(name, forKey: .name)
        try container.encodeIfPresent(dim, forKey: .dim)
        // Written only when set, so the fingerprints of pipelines without it stay as they were.
        if retired { try container.encode(retired, forKey: .retired) }
    }
}

/// A file named by the configuration.
public struct DataFile: Sendable, Hashable, Encodable {
    /// Absolute, normalized path.
    public var path: String
    /// Where the path was written (for messages); not part of the resolved config.
    public var location: SourceLocation

    public init(path: String, location: SourceLocation) {
        self.path = path
        self.location = location
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(path)
    }
}

/// The data a pipeline reads. Which parts are required depends on its stages
/// (align needs `alignment`, adapt needs `qrels.labeled`, evaluate needs `qrels.evaluation`, ...).
public struct DataConfig: Sendable, Hashable, Encodable {
    public var queries: QueryData?
    public var index: IndexData?
    public var alignment: AlignmentData?
    public var qrels: QrelsData

    public init(queries: QueryData?, index: IndexData?, alignment: AlignmentData?, qrels: QrelsData) {
        self.queries = queries
        self.index = index
        self.alignment = alignment
        self.qrels = qrels
    }

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

    public init(embeddings: DataFile, ids: DataFile, indexModelEmbeddings: DataFile? = nil) {
        self.embeddings = embeddings
        self.ids = ids
        self.indexModelEmbeddings = indexModelEmbeddings
    }

    enum CodingKeys: String, CodingKey {
        case embeddings, ids
        case indexModelEmbeddings = "index_model_embeddings"
    }
}

/// The existing index: documents embedded by D (N x m) and their ids, as files or as a Chroma
/// collection (`chroma:`, searched on its server), and optionally the same documents embedded by Q
/// (for the "re-embed everything" upper bound).
public struct IndexData: Sendable, Hashable, Encodable {
    /// Set unless the index is a Chroma collection.
    public var embeddings: DataFile?
    /// Set unless the index is a Chroma collection.
    public var ids: DataFile?
    public var queryModelEmbeddings: DataFile?
    /// The index as a Chroma collection (instead of `embeddings` and `ids`).
    public var chroma: ChromaIndexConfig?

    public init(embeddings: DataFile, ids: DataFile, queryModelEmbeddings: DataFile? = nil) {
        self.embeddings = embeddings
        self.ids = ids
        self.queryModelEmbeddings = queryModelEmbeddings
    }

    /// An index that is a Chroma collection.
    public init(chroma: ChromaIndexConfig, queryModelEmbeddings: DataFile? = nil) {
        self.chroma = chroma
        self.queryModelEmbeddings = queryModelEmbeddings
    }

    enum CodingKeys: String, CodingKey {
        case embeddings, ids, chroma
        case queryModelEmbeddings = "query_model_embeddings"
    }
}

/// `data.index.chroma`: a collection on a Chroma server. The API token is never here: era reads
/// it from the environment variable `ERA_CHROMA_TOKEN`.
public struct ChromaIndexConfig: Sendable, Hashable, Encodable {
    /// The server, `http://HOST:PORT` (or https).
    public var url: String
    public var collection: String
    public var tenant: String
    public var database: String

    public init(url: String, collection: String, tenant: String, database: String) {
        self.url = url
        self.collection = collection
        self.tenant = tenant
        self.database = database
    }
}

/// Texts embedded by both models, rows matched: X (n x p) from Q and Y (n x m) from D. Without
/// `index_model`, when the index is a Chroma collection, Y is the collection's records of `ids`
/// (only the sampled ones are fetched).
public struct AlignmentData: Sendable, Hashable, Encodable {
    public var queryModel: DataFile
    /// Nil: the records of `ids` in the Chroma collection of `data.index.chroma`.
    public var indexModel: DataFile?
    /// Text ids of the rows (one per line), if given.
    public var ids: DataFile?

    public init(queryModel: DataFile, indexModel: DataFile?, ids: DataFile? = nil) {
        self.queryModel = queryModel
        self.indexModel = indexModel
        self.ids = ids
    }

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

    public init(labeled: DataFile? = nil, evaluation: DataFile? = nil) {
        self.labeled = labeled
        self.evaluation = evaluation
    }
}
