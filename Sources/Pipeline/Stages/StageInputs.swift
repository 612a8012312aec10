import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra
import Retrieval
import Workflows

/// The data files a stage reads, through the run's `InputFiles` (each decoded once per run),
/// with errors that name the key path and the file.
struct StageInputs {
    let data: DataConfig
    let files: InputFiles

    init(context: StageContext) { self.init(data: context.config.data, files: context.shared.files) }

    init(data: DataConfig, files: InputFiles) {
        self.data = data
        self.files = files
    }

    /// An embeddings file: float32 C-order files are memory-mapped, others read and converted once.
    func embeddings(_ file: KeyPath<DataConfig, DataFile?>, _ keyPath: String) throws -> any RowMatrix {
        let path = try require(file, keyPath)
        return try wrap(keyPath) { try files.embeddings(path) }
    }

    func ids(_ file: KeyPath<DataConfig, DataFile?>, _ keyPath: String) throws -> [String] {
        let path = try require(file, keyPath)
        return try wrap(keyPath) { try files.ids(path) }
    }

    /// Nil when the key is not set.
    func optionalIds(_ file: KeyPath<DataConfig, DataFile?>, _ keyPath: String) throws -> [String]? {
        data[keyPath: file] == nil ? nil : try ids(file, keyPath)
    }

    func qrels(_ file: KeyPath<DataConfig, DataFile?>, _ keyPath: String) throws -> Qrels {
        let path = try require(file, keyPath)
        return try wrap(keyPath) { try files.qrels(path) }
    }

    /// What a sweep scores its maps with: the evaluation qrels (read only after all training) and,
    /// when the data has them, the index model's query vectors (rows in `queryIds` order).
    func sweepEvaluation(queryIds: [String]) throws -> AdaptSweepEvaluation {
        let indexQueries = try data.queries?.indexModelEmbeddings.map { _ in
            try embeddings(\.queries?.indexModelEmbeddings, "data.queries.index_model_embeddings")
        }
        return AdaptSweepEvaluation(
            loadQrels: { try qrels(\.qrels.evaluation, "data.qrels.evaluation") },
            indexQueries: indexQueries, indexQueryIds: indexQueries == nil ? nil : queryIds)
    }

    /// The file that gives the input of `role`, refused when its key is not set.
    func path(_ file: KeyPath<DataConfig, DataFile?>, _ role: some PipelineInputRole) throws -> String {
        try require(file, role.keyPath(in: data))
    }

    private func require(_ file: KeyPath<DataConfig, DataFile?>, _ keyPath: String) throws -> String {
        guard let file = data[keyPath: file] else { throw PipelineRunError("\(keyPath) is not set in the pipeline") }
        return file.path
    }

    private func wrap<T>(_ keyPath: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as EmbeddingIOError {
            throw PipelineRunError("\(keyPath): \(error)")
        }
    }
}
