import Workflows
import Retrieval
import EmbeddingIO
import Foundation
import LinearAlgebra

/// Loads the data files a stage reads, with errors that name the key path and the file.
struct StageInputs {
    let config: PipelineConfig

    /// An embeddings file: `<f4` C-order files are memory-mapped, others read and converted.
    func embeddings(_ file: DataFile?, _ keyPath: String) throws -> any RowMatrix {
        let file = try require(file, keyPath)
        return try wrap(keyPath) { try Npy.load(URL(fileURLWithPath: file.path), mapped: true) }
    }

    /// An embeddings file read fully into memory (for training and Procrustes).
    func matrix(_ file: DataFile?, _ keyPath: String) throws -> Matrix {
        let file = try require(file, keyPath)
        return try wrap(keyPath) { try Npy.read(URL(fileURLWithPath: file.path)) }
    }

    func ids(_ file: DataFile?, _ keyPath: String) throws -> [String] {
        let file = try require(file, keyPath)
        return try wrap(keyPath) { try IdList.read(URL(fileURLWithPath: file.path)) }
    }

    func qrels(_ file: DataFile?, _ keyPath: String) throws -> Qrels {
        let file = try require(file, keyPath)
        return try wrap(keyPath) { try Qrels.read(URL(fileURLWithPath: file.path)) }
    }

    private func require(_ file: DataFile?, _ keyPath: String) throws -> DataFile {
        guard let file else { throw PipelineRunError("\(keyPath) is not set in the pipeline") }
        return file
    }

    private func wrap<T>(_ keyPath: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as EmbeddingIOError {
            throw PipelineRunError("\(keyPath): \(error)")
        }
    }
}
