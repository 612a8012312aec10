import ConfigDecoding

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
            var output: String? = nil
            if let written = d["output"], let text = written.decodeLogged(String.self) {
                let absolute = ConfigPaths.absolute(text, relativeTo: currentDirectory)
                if text.isEmpty {
                    written.report("expected a folder for the run (e.g. runs/\(name)), got an empty path")
                } else if DataFileChecker.resolved(absolute) == "/" {
                    written.report(
                        "the filesystem root cannot hold a run: era writes its stage folders and run files there; "
                            + "set output: to a folder of its own (e.g. runs/\(name))")
                } else {
                    output = absolute
                }
            }
            let models = d["models"]?.readMapping(decodeModels) ?? ModelPair(query: ModelInfo(), index: ModelInfo())
            let data =
                d["data"]?.readMapping(decodeData)
                ?? DataConfig(queries: nil, index: nil, alignment: nil, qrels: QrelsData())
            var stages: [StageConfig] = []
            if let written = d["stages"] {
                if let elements = written.node.elements, elements.isEmpty {
                    // A run of nothing exited 0 as if it had done its work.
                    written.report("expected at least one stage, got an empty list")
                } else if let elements = written.node.elements {
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
        /// The required `embeddings` and `ids`, then the other model's vectors under `other`.
        func vectors(_ d: ConfigNodeDecoder, other: String) -> (DataFile, DataFile, DataFile?)? {
            d.require("embeddings", "ids")
            let embeddings = file(d, "embeddings"), ids = file(d, "ids"), otherModel = file(d, other)
            guard let embeddings, let ids else { return nil }
            return (embeddings, ids, otherModel)
        }
        let queries = d["queries"]?.readMapping { q in
            vectors(q, other: "index_model_embeddings").map(QueryData.init)
        }
        let index = d["index"]?.readMapping { i -> IndexData? in
            let named = IndexStores.all.filter { i.node[$0.key] != nil }
            if let store = named.first {
                // The first store is read; each later one is reported once and the index still counts
                // as set (the first), so no second problem follows.
                let later = IndexStores.all.drop { $0 != store }.dropFirst()
                for other in later {
                    i[other.key]?.report(
                        "data.index names two indexes, \(store.keyPath) and \(other.keyPath): keep the one "
                            + "the pipeline reads (a pipeline has one index)")
                }
                let queryModel = file(i, "query_model_embeddings")
                for key in ["embeddings", "ids"] where i.node[key] != nil {
                    log.add(
                        i.node.location, i.keyPath(key),
                        "not used with \(store.keyPath) (\(store.holder) holds the documents and their ids)")
                }
                return i[store.key]?.readMapping { store.decode($0) }.map {
                    IndexData(queryModelEmbeddings: queryModel, store: $0)
                }
            }
            return vectors(i, other: "query_model_embeddings").map {
                IndexData(embeddings: $0, ids: $1, queryModelEmbeddings: $2)
            }
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
}
