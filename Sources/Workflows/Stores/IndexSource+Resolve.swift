import Foundation
import LinearAlgebra
import Retrieval

extension IndexSource {
    /// A part of the index that could not be read, for the use case to name by its role.
    public struct Failure: Error, CustomStringConvertible {
        public enum Part: Sendable {
            /// The embeddings file, or the store.
            case index
            /// The ids file.
            case ids
        }
        public var part: Part
        /// The file's or the store's error; nil when the ids of an embeddings file were not given.
        public var error: (any Error)?

        public var description: String { error.map { "\($0)" } ?? "the ids of the rows are not given" }
    }

    /// The documents and their ids: the files read (`checked`: finite values, an id per row), or
    /// the store pulled whole (for uses that score every document), with what mines through it.
    /// - Parameter pulled: the store's location, the records pulled and the pages read (nil: one COPY).
    func corpus(
        files: InputFiles, checked: Bool, pulled: (String, Int, Int?) -> Void = { _, _, _ in }
    ) throws(Failure) -> (corpus: any RowMatrix, ids: [String], mining: ((any RowMatrix) -> StoreMining)?) {
        switch self {
        case .files(let embeddings, let ids):
            let matrix = try Self.read(.index) { try files.embeddings(embeddings, checked: checked) }
            guard let ids else { throw Failure(part: .ids, error: nil) }
            let documentIds = try Self.read(.ids) { try files.ids(ids, rowsOf: checked ? embeddings : nil) }
            return (matrix, documentIds, nil)
        default:
            let store = try Self.read(.index) { try self.store!.pulled(limit: StoreEvaluation.defaultExactLimit) }
            pulled(store.description, store.ids.count, store.pages)
            return (store.matrix, store.ids, store.mining)
        }
    }

    /// The index an evaluation searches: the files read (`checked`), searched exactly; or the store
    /// opened and checked, searched through its own query path, with a warning naming it when it
    /// lacks judged documents of `judged`.
    public func searched(
        files: InputFiles, checked: Bool, judged: [Qrels]
    ) throws(Failure) -> (index: EvaluateWorkflow.Index, warning: String?) {
        guard let store else {
            let read = try corpus(files: files, checked: checked)
            return (.files(corpus: read.corpus, ids: read.ids), nil)
        }
        let opened = try Self.read(.index) { try store.served(judged: judged) }
        let missing = opened.judgedMissing
        return (
            .store(opened.index),
            missing > 0
                ? "\(store.description): \(missing) judged document ids of the qrels are not in the \(store.kind.container)"
                : nil
        )
    }

    private static func read<T>(_ part: Failure.Part, _ body: () throws -> T) throws(Failure) -> T {
        do { return try body() } catch let failure as Failure { throw failure } catch {
            throw Failure(part: part, error: error)
        }
    }
}
