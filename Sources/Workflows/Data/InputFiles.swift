import EmbeddingIO
import Foundation
import LinearAlgebra
import Retrieval

/// The input files of one run, each opened and read at most once.
///
/// A pipeline checks a file's header when it loads, hashes every file for the manifest, and reads
/// the same query file in several stages; float16 files cost a decode each time. Every use takes
/// the file through this cache: its content is read (or memory-mapped) once per file (EmbeddingIO's
/// `InputFileContent` (EmbeddingIO), keyed by the file's identity, so two paths to one file share it too), and
/// the header, the hash and each decoded value come from that one read. A run's reads are counted
/// in one place (``reads``) and a test can check them.
///
/// Float32 C-order `.npy` files are served from the mapping; other dtypes are converted once.
/// Values are immutable once loaded, so sharing them between stages is safe.
public struct InputFiles: Sendable {
    private let store = Store()

    public init() {}

    /// The content of `path`, opened and read once per file for the life of this cache.
    public func content(_ path: String) throws -> InputFileContent {
        try store.content(path)
    }

    /// SHA-256 of the file as lowercase hex, from its one read; `progress` gets the bytes hashed so far.
    public func sha256(_ path: String, progress: ((Int64) -> Void)? = nil) throws -> String {
        let content = try content(path)
        return try store.value(path, kind: "sha256") { content.sha256Hex(progress: progress) }
    }

    /// The `.npy` header of `path`, validated (EmbeddingIO's `Npy.readHeader`).
    public func npyHeader(_ path: String) throws -> NpyHeader {
        try store.value(path, kind: "npy-header") { try content(path).npyHeader() }
    }

    /// An embeddings table (`n x d`), memory-mapped when it is float32.
    /// - Parameters:
    ///   - path: the `.npy` file; loaded once, then shared by every later request for it.
    ///   - checked: also refuse NaN or infinity (once per file), naming row and column.
    public func embeddings(_ path: String, checked: Bool = false) throws -> any RowMatrix {
        let table = try store.value(path, kind: "embeddings") { try content(path).npyTable() }
        if checked {
            try store.once("finite:\(path)") { try checkFinite(table, path: path) }
        }
        return table
    }

    /// An id list; with `rowsOf`, checked to hold one id per row of that embeddings file.
    public func ids(_ path: String, rowsOf matrixPath: String? = nil) throws -> [String] {
        let ids = try store.value(path, kind: "ids") { try IdList.read(content(path)) }
        if let matrixPath {
            let rows = try embeddings(matrixPath).rows
            try IdList.check(ids, matchRowsOf: rows, idsPath: path, matrixPath: matrixPath)
        }
        return ids
    }

    /// Relevance judgments (BEIR TSV or TREC).
    public func qrels(_ path: String) throws -> Qrels {
        try store.value(path, kind: "qrels") { try Qrels.read(content(path)) }
    }

    /// How many times each file was opened and read, by path: 1 for every file used, whatever the
    /// number of checks and stages that used it.
    public var reads: [String: Int] {
        store.readCounts()
    }

    private final class Store: @unchecked Sendable {
        // `values`, `contents`, `counts` and `done` are guarded by `lock`.
        private let lock = NSLock()
        private var values: [String: any Sendable] = [:]
        private var contents: [FileIdentity: InputFileContent] = [:]
        private var counts: [String: Int] = [:]
        private var done: Set<String> = []

        func content(_ path: String) throws -> InputFileContent {
            if let identity = FileIdentity.of(path) {
                lock.lock()
                let cached = contents[identity]
                lock.unlock()
                if let cached { return cached }
            }
            let loaded = try InputFileContent(path: path)
            lock.lock()
            defer { lock.unlock() }
            if let raced = contents[loaded.identity] { return raced }
            contents[loaded.identity] = loaded
            counts[path, default: 0] += 1
            return loaded
        }

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
