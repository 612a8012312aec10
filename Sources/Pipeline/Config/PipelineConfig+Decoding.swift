/// Turns the merged node tree into a typed `PipelineConfig`, recording every problem found.
struct ConfigDecoder {
    let log: ProblemLog
    let currentDirectory: String

    func decode(root: ConfigNode, defaultName: String, sourceFile: String) -> PipelineConfig? {
        guard var reader = MappingReader(root, path: "", log: log) else { return nil }
        var name = defaultName
        if let nameNode = reader.raw("name"), let written = MappingReader.string(nameNode, path: "name", log: log) {
            if StageDecoder.isValidFolderName(written) {
                name = written
            } else {
                log.add(
                    nameNode.location, "name",
                    "expected \(StageDecoder.folderNameRule) (it names the run folder), got \"\(StageDecoder.abbreviated(written))\""
                )
            }
        }
        let seed = reader.int("seed", default: 0, atLeast: 0)
        var output: String?
        if let outputNode = reader.raw("output"), let path = MappingReader.string(outputNode, path: "output", log: log)
        {
            // The run directory is relative to the current directory, like its default `runs/<name>`.
            output = ConfigPaths.absolute(path, relativeTo: currentDirectory)
        }
        let models = decodeModels(reader.child("models"))
        let data = decodeData(reader.raw("data"))
        var stages: [StageConfig] = []
        if let stagesNode = reader.raw("stages") {
            if let elements = stagesNode.elements {
                var stageDecoder = StageDecoder(log: log)
                stages = stageDecoder.decode(elements, data: data, indexRetired: models.index.retired)
            } else {
                log.add(
                    stagesNode.location, "stages", "expected a list of stages, got \(stagesNode.describedForMessage)")
            }
        } else {
            log.add(root.location, "stages", "a pipeline needs a list of stages")
        }
        reader.finish()
        return PipelineConfig(
            name: name, seed: seed, output: output, models: models, data: data,
            stages: stages, sourceFile: sourceFile)
    }

    private func decodeModels(_ reader: MappingReader?) -> ModelPair {
        guard var reader else { return ModelPair(query: ModelInfo(), index: ModelInfo()) }
        func model(_ key: String) -> ModelInfo {
            guard var child = reader.child(key) else { return ModelInfo() }
            var info = ModelInfo(name: child.string("name"), dim: child.optionalInt("dim", atLeast: 1))
            // Only the index model can be retired: the query model embeds every new query.
            if key == "index" { info.retired = child.bool("retired", default: false) }
            child.finish()
            return info
        }
        let pair = ModelPair(query: model("query"), index: model("index"))
        reader.finish()
        return pair
    }

    private func decodeData(_ node: ConfigNode?) -> DataConfig {
        let empty = DataConfig(queries: nil, index: nil, alignment: nil, qrels: QrelsData())
        guard let node, var reader = MappingReader(node, path: "data", log: log) else { return empty }
        var root: String?
        if let rootNode = reader.raw("root"), let text = MappingReader.string(rootNode, path: "data.root", log: log) {
            root = ConfigPaths.absolute(text, relativeTo: rootNode.baseDirectory)
        }
        /// A path relative to `data.root` if set, else to the file that wrote it.
        func file(_ reader: inout MappingReader, _ key: String) -> DataFile? {
            guard let valueNode = reader.raw(key),
                let text = MappingReader.string(valueNode, path: reader.keyPath(key), log: log)
            else { return nil }
            guard !text.isEmpty else {
                log.add(valueNode.location, reader.keyPath(key), "expected a file path, got an empty string")
                return nil
            }
            return DataFile(
                path: ConfigPaths.absolute(text, relativeTo: root ?? valueNode.baseDirectory),
                location: valueNode.location)
        }
        func required(_ reader: inout MappingReader, _ key: String) -> DataFile? {
            let result = file(&reader, key)
            if result == nil, reader.node[key] == nil {
                log.add(reader.node.location, reader.path, "missing required key \"\(key)\"")
            }
            return result
        }

        var queries: QueryData?
        if var child = reader.child("queries") {
            let embeddings = required(&child, "embeddings"), ids = required(&child, "ids")
            let indexModel = file(&child, "index_model_embeddings")
            if let embeddings, let ids {
                queries = QueryData(embeddings: embeddings, ids: ids, indexModelEmbeddings: indexModel)
            }
            child.finish()
        }
        var index: IndexData?
        if var child = reader.child("index") {
            if child.node["chroma"] != nil {
                let queryModel = file(&child, "query_model_embeddings")
                for key in ["embeddings", "ids"] where child.node[key] != nil {
                    log.add(
                        child.node.location, child.keyPath(key),
                        "not used with data.index.chroma (the collection holds the documents and their ids)")
                }
                if let chroma = decodeChroma(&child) {
                    index = IndexData(chroma: chroma, queryModelEmbeddings: queryModel)
                }
            } else {
                let embeddings = required(&child, "embeddings"), ids = required(&child, "ids")
                let queryModel = file(&child, "query_model_embeddings")
                if let embeddings, let ids {
                    index = IndexData(embeddings: embeddings, ids: ids, queryModelEmbeddings: queryModel)
                }
            }
            child.finish()
        }
        var alignment: AlignmentData?
        if var child = reader.child("alignment") {
            // With a Chroma index, the index model's side can be the collection's records of `ids`.
            let fromCollection = index?.chroma != nil && child.node["index_model"] == nil
            let queryModel = required(&child, "query_model")
            let indexModel = fromCollection ? nil : required(&child, "index_model")
            let ids = fromCollection ? required(&child, "ids") : file(&child, "ids")
            if let queryModel, fromCollection ? ids != nil : indexModel != nil {
                alignment = AlignmentData(queryModel: queryModel, indexModel: indexModel, ids: ids)
            }
            child.finish()
        }
        var qrels = QrelsData()
        if var child = reader.child("qrels") {
            qrels = QrelsData(labeled: file(&child, "labeled"), evaluation: file(&child, "evaluation"))
            child.finish()
        }
        reader.finish()
        return DataConfig(queries: queries, index: index, alignment: alignment, qrels: qrels)
    }
}
