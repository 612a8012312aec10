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
    func embeddings(_ file: KeyPath<DataConfig, DataFile?>, _ role: some PipelineInputRole) throws -> any RowMatrix {
        try read(file, role) { try files.embeddings($0) }
    }

    func ids(_ file: KeyPath<DataConfig, DataFile?>, _ role: some PipelineInputRole) throws -> [String] {
        try read(file, role) { try files.ids($0) }
    }

    func qrels(_ file: KeyPath<DataConfig, DataFile?>, _ role: some PipelineInputRole) throws -> Qrels {
        try read(file, role) { try files.qrels($0) }
    }

    /// What a sweep scores its maps with: the evaluation qrels (read only after all training) and,
    /// when the data has them, the index model's query vectors (rows in `queryIds` order).
    func sweepEvaluation(queryIds: [String]) throws -> AdaptSweepEvaluation {
        let indexQueries = try data.queries?.indexModelEmbeddings.map { _ in
            try embeddings(\.queries?.indexModelEmbeddings, EvaluateInputError.Role.indexQueries)
        }
        return AdaptSweepEvaluation(
            loadQrels: { try qrels(\.qrels.evaluation, EvaluateInputError.Role.qrels) },
            indexQueries: indexQueries, indexQueryIds: indexQueries == nil ? nil : queryIds)
    }

    /// The file that gives the input of `role`, refused when its key is not set.
    func path(_ file: KeyPath<DataConfig, DataFile?>, _ role: some PipelineInputRole) throws -> String {
        let keyPath = role.keyPath(in: data)
        guard let file = data[keyPath: file] else { throw PipelineRunError("\(keyPath) is not set in the pipeline") }
        return file.path
    }

    /// The file of `role` decoded, its errors named by the role's key path.
    private func read<T>(
        _ file: KeyPath<DataConfig, DataFile?>, _ role: some PipelineInputRole, _ decode: (String) throws -> T
    ) throws -> T {
        let path = try path(file, role)
        do {
            return try decode(path)
        } catch let error as EmbeddingIOError {
            throw PipelineRunError("\(role.keyPath(in: data)): \(error)")
        }
    }
}
