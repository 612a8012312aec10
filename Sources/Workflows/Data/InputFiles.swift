import EmbeddingIO
import Foundation
import LinearAlgebra
import Retrieval

/// The input files of one run, each read and decoded at most once.
///
/// A pipeline reads the same query file in several stages, and float16 files cost a decode each
/// time; a command reads a file once anyway. Every use case takes its files through this cache,
/// so a run's reads are counted in one place (``reads``) and a test can check them.
///
/// Float32 C-order `.npy` files are memory-mapped; other dtypes are read and converted once.
/// Values are immutable once loaded, so sharing them between stages is safe.
public struct InputFiles: Sendable {
    private let store = Store()

    public init() {}

    /// An embeddings table (`n x d`), memory-mapped when it is float32.
    /// - Parameters:
    ///   - path: the `.npy` file; loaded once, then shared by every later request for it.
    ///   - checked: also refuse NaN or infinity (once per file), naming row and column.
    public func embeddings(_ path: String, checked: Bool = false) throws -> any RowMatrix {
        let table = try store.value(path, kind: "embeddings") { try Npy.load(URL(fileURLWithPath: path), mapped: true) }
        if checked {
            try store.once("finite:\(path)") { try checkFinite(table, path: path) }
        }
        return table
    }

    /// An id list; with `rowsOf`, checked to hold one id per row of that embeddings file.
    public func ids(_ path: String, rowsOf matrixPath: String? = nil) throws -> [String] {
        let ids = try store.value(path, kind: "ids") { try IdList.read(URL(fileURLWithPath: path)) }
        if let matrixPath {
            let rows = try embeddings(matrixPath).rows
            try IdList.check(ids, matchRowsOf: rows, idsPath: path, matrixPath: matrixPath)
        }
        return ids
    }

    /// Relevance judgments (BEIR TSV or TREC).
    public func qrels(_ path: String) throws -> Qrels {
        try store.value(path, kind: "qrels") { try Qrels.read(URL(fileURLWithPath: path)) }
    }

    /// How many times each file was read from disk, by path: 1 for every file used, whatever the
    /// number of stages that used it.
    public var reads: [String: Int] {
        store.readCounts()
    }

    private final class Store: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [String: any Sendable] = [:]
        private var counts: [String: Int] = [:]
        private var done: Set<String> = []

        func value<T: Sendable>(_ path: String, kind: String, load: () throws -> T) throws -> T {
            let key = "\(kind):\(path)"
            lock.lock()
            if let cached = values[key] as? T {
                lock.unlock()
                return cached
            }
            lock.unlock()
            let loaded = try load()
            lock.lock()
            defer { lock.unlock() }
            values[key] = loaded
            counts[path, default: 0] += 1
            return loaded
        }

        func once(_ key: String, _ body: () throws -> Void) throws {
            lock.lock()
            let seen = done.contains(key)
            lock.unlock()
            guard !seen else { return }
            try body()
            lock.lock()
            done.insert(key)
            lock.unlock()
        }

        func readCounts() -> [String: Int] {
            lock.lock()
            defer { lock.unlock() }
            return counts
        }
    }
}
