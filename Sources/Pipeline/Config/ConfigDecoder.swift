import Chroma
import Postgres

/// Turns the merged node tree into a typed `PipelineConfig` through ``ConfigNodeDecoder``,
/// recording every problem found.
struct ConfigDecoder {
    let log: ProblemLog
    let currentDirectory: String

    func decode(root: ConfigNode, defaultName: String, sourceFile: String) -> PipelineConfig? {
        ConfigNodeDecoder(node: root, path: "", log: log).readMapping { d in
            var name = defaultName
            if let written = d["name"], let text = written.decodeLogged(String.self),
                StageDecoder.checkFolderName(text, at: written, naming: "the run folder")
            {
                name = text
            }
            let seed = d.decode("seed", expecting: "an integer >= 0") { $0 >= 0 } ?? 0
            // The run directory is relative to the current directory, like its default `runs/<name>`.
            let output = d.decode("output", as: String.self).map {
                ConfigPaths.absolute($0, relativeTo: currentDirectory)
            }
            let models = d["models"]?.readMapping(decodeModels) ?? ModelPair(query: ModelInfo(), index: ModelInfo())
            let data =
                d["data"]?.readMapping(decodeData)
                ?? DataConfig(queries: nil, index: nil, alignment: nil, qrels: QrelsData())
            var stages: [StageConfig] = []
            if let written = d["stages"] {
                if let elements = written.node.elements {
                    stages = StageDecoder(log: log).decode(
                        elements.enumerated().map { written.child($1, path: "stages[\($0)]") }, data: data,
                        indexRetired: models.index.retired)
                } else {
                    written.report("expected a list of stages, got \(written.node.describedForMessage)")
                }
            } else {
                log.add(root.location, "stages", "a pipeline needs a list of stages")
            }
            return PipelineConfig(
                name: name, seed: seed, output: output, models: models, data: data,
                stages: stages, sourceFile: sourceFile)
        }
    }

    private func decodeModels(_ d: ConfigNodeDecoder) -> ModelPair {
        func model(_ key: String) -> ModelInfo {
            d[key]?.readMapping { m in
                var info = ModelInfo(
                    name: m.decode("name"), dim: m.decode("dim", expecting: "an integer >= 1") { $0 >= 1 })
                // Only the index model can be retired: the query model embeds every new query.
                if key == "index" { info.retired = m.decode("retired") ?? false }
                return info
            } ?? ModelInfo()
        }
        return ModelPair(query: model("query"), index: model("index"))
    }

    private func decodeData(_ d: ConfigNodeDecoder) -> DataConfig {
        let root = d["root"].flatMap { written in
            written.decodeLogged(String.self).map { ConfigPaths.absolute($0, relativeTo: written.node.baseDirectory) }
        }
        /// A path relative to `data.root` if set, else to the file that wrote it.
        func file(_ d: ConfigNodeDecoder, _ key: String) -> DataFile? {
            guard let written = d[key], let text = written.decodeLogged(String.self) else { return nil }
            guard !text.isEmpty else {
                written.report("expected a file path, got an empty string")
                return nil
            }
            return DataFile(
                path: ConfigPaths.absolute(text, relativeTo: root ?? written.node.baseDirectory),
                location: written.node.location)
        }
        let queries = d["queries"]?.readMapping { q -> QueryData? in
            q.require("embeddings", "ids")
            let embeddings = file(q, "embeddings"), ids = file(q, "ids")
            let indexModel = file(q, "index_model_embeddings")
            guard let embeddings, let ids else { return nil }
            return QueryData(embeddings: embeddings, ids: ids, indexModelEmbeddings: indexModel)
        }
        let index = d["index"]?.readMapping { i -> IndexData? in
            if i.node["chroma"] != nil, let postgres = i["postgres"] {
                // Reported once; the index still counts as set (the Chroma one), so no second problem follows.
                postgres.report(
                    "data.index names two indexes, data.index.chroma and data.index.postgres: keep the one "
                        + "the pipeline reads (a pipeline has one index)")
            }
            if let store = ["chroma", "postgres"].first(where: { i.node[$0] != nil }) {
                let queryModel = file(i, "query_model_embeddings")
                let holder = store == "chroma" ? "the collection" : "the table"
                for key in ["embeddings", "ids"] where i.node[key] != nil {
                    log.add(
                        i.node.location, i.keyPath(key),
                        "not used with data.index.\(store) (\(holder) holds the documents and their ids)")
                }
                if store == "chroma" {
                    return i["chroma"]?.readMapping(decodeChroma).map {
                        IndexData(queryModelEmbeddings: queryModel, chroma: $0)
                    }
                }
                return i["postgres"]?.readMapping(decodePostgres).map {
                    IndexData(queryModelEmbeddings: queryModel, postgres: $0)
                }
            }
            i.require("embeddings", "ids")
            let embeddings = file(i, "embeddings"), ids = file(i, "ids")
            let queryModel = file(i, "query_model_embeddings")
            guard let embeddings, let ids else { return nil }
            return IndexData(embeddings: embeddings, ids: ids, queryModelEmbeddings: queryModel)
        }
        let alignment = d["alignment"]?.readMapping { a -> AlignmentData? in
            // With a store as the index, the index model's side can be the store's records of `ids`.
            let fromCollection = index?.isStore == true && a.node["index_model"] == nil
            a.require("query_model", fromCollection ? "ids" : "index_model")
            let queryModel = file(a, "query_model")
            let indexModel = fromCollection ? nil : file(a, "index_model")
            let ids = file(a, "ids")
            guard let queryModel, fromCollection ? ids != nil : indexModel != nil else { return nil }
            return AlignmentData(queryModel: queryModel, indexModel: indexModel, ids: ids)
        }
        let qrels = d["qrels"]?.readMapping { q in
            QrelsData(labeled: file(q, "labeled"), evaluation: file(q, "evaluation"))
        }
        return DataConfig(queries: queries, index: index, alignment: alignment, qrels: qrels ?? QrelsData())
    }

    /// `chroma: {url, collection, tenant, database}` under `data.index`; tenant and database default
    /// to Chroma's. The URL and names are checked here; the server is not contacted.
    private func decodeChroma(_ d: ConfigNodeDecoder) -> ChromaIndexConfig? {
        d.require("url", "collection")
        let url: String? = d.decode("url"), collection: String? = d.decode("collection")
        let tenant = d.decode("tenant") ?? ChromaLocation.defaultTenant
        let database = d.decode("database") ?? ChromaLocation.defaultDatabase
        guard let url, let collection else { return nil }
        do {
            _ = try ChromaLocation(server: url, collection: collection, tenant: tenant, database: database)
        } catch {
            // Recorded, and the index still counts as set: one problem, not a second "needs data.index".
            d.report("\(error)")
        }
        return ChromaIndexConfig(url: url, collection: collection, tenant: tenant, database: database)
    }

    /// `postgres: {uri, table, id_column, embedding_column, ef_search, probes, retry_attempts, retry_delay}`
    /// under `data.index`; the columns default to `id` and `embedding`. The URI is checked here (a password in it is
    /// refused, as `--corpus postgresql://...` refuses it); the server is not contacted.
    private func decodePostgres(_ d: ConfigNodeDecoder) -> PostgresIndexConfig? {
        d.require("uri", "table")
        let uri: String? = d.decode("uri"), table: String? = d.decode("table")
        let idColumn = d.decode("id_column") ?? PostgresLocation.defaultIdColumn
        let embeddingColumn = d.decode("embedding_column") ?? PostgresLocation.defaultEmbeddingColumn
        let efSearch: Int? = d.decode("ef_search", expecting: "an integer >= 1") { $0 >= 1 }
        let probes: Int? = d.decode("probes", expecting: "an integer >= 1") { $0 >= 1 }
        let retryAttempts: Int? = d.decode("retry_attempts", expecting: "an integer >= 1") { $0 >= 1 }
        let retryDelay: Double? = d.decode("retry_delay", expecting: "a number of seconds >= 0") {
            $0.isFinite && $0 >= 0
        }
        guard let uri, let table else { return nil }
        let config = PostgresIndexConfig(
            uri: uri, table: table, idColumn: idColumn, embeddingColumn: embeddingColumn, efSearch: efSearch,
            probes: probes, retryAttempts: retryAttempts, retryDelay: retryDelay)
        do {
            _ = try config.location
        } catch {
            // Placed at the URI; the index still counts as set: one problem, not a second "needs data.index".
            (d["uri"] ?? d).report("\(error)")
        }
        return config
    }
}
