import Foundation

@testable import Pipeline

/// A temporary directory with tiny data files and helpers to write pipeline files into it.
///
/// Layout: `data/` holds query-model queries (5 x 6), the index (7 x 4) and its ids, the alignment
/// pair (3 x 6 and 3 x 4), D's query embeddings (5 x 4), Q's document embeddings (7 x 6) and qrels.
struct PipelineFixture {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("era-pipeline-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("data"), withIntermediateDirectories: true)
        try writeNpy("data/queries.q.npy", rows: 5, columns: 6)
        try writeNpy("data/queries.d.npy", rows: 5, columns: 4)
        try writeNpy("data/corpus.d.npy", rows: 7, columns: 4)
        try writeNpy("data/corpus.q.npy", rows: 7, columns: 6)
        try writeNpy("data/align.q.npy", rows: 3, columns: 6)
        try writeNpy("data/align.d.npy", rows: 3, columns: 4)
        try write("data/query_ids.txt", (0..<5).map { "q\($0)" }.joined(separator: "\n") + "\n")
        try write("data/corpus_ids.txt", (0..<7).map { "d\($0)" }.joined(separator: "\n") + "\n")
        try write("data/align_ids.txt", "d0\nd1\nd2\n")
        try write("data/qrels.train.tsv", "query-id\tcorpus-id\tscore\nq0\td0\t1\nq1\td1\t1\n")
        try write("data/qrels.test.tsv", "query-id\tcorpus-id\tscore\nq2\td2\t1\nq3\td3\t1\n")
    }

    /// A `data:` section (relative to a pipeline file in `root`) naming every fixture file.
    static let dataSection = """
        data:
          queries:
            embeddings: data/queries.q.npy
            ids: data/query_ids.txt
            index_model_embeddings: data/queries.d.npy
          index:
            embeddings: data/corpus.d.npy
            ids: data/corpus_ids.txt
            query_model_embeddings: data/corpus.q.npy
          alignment:
            query_model: data/align.q.npy
            index_model: data/align.d.npy
            ids: data/align_ids.txt
          qrels:
            labeled: data/qrels.train.tsv
            evaluation: data/qrels.test.tsv
        """

    func url(_ relative: String) -> URL {
        root.appendingPathComponent(relative)
    }

    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String {
        let url = url(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// Writes a little-endian float32 `.npy` (format 1.0) of the given shape, values i + j / 10.
    func writeNpy(_ relative: String, rows: Int, columns: Int) throws {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(columns)), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xff), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        for i in 0..<rows {
            for j in 0..<columns {
                withUnsafeBytes(of: Float(i) + Float(j) / 10) { data.append(contentsOf: $0) }
            }
        }
        try data.write(to: url(relative))
    }

    /// Loads `relative` with the fixture root as the current directory.
    func load(_ relative: String, overrides: [String] = [], checkFiles: Bool = true) throws -> PipelineConfig {
        let parsed = try overrides.map { try ConfigOverride(parsing: $0, source: "--set") }
        return try PipelineConfig.load(
            path: relative, overrides: parsed, currentDirectory: root.path, checkFiles: checkFiles)
    }

    /// The problems loading `relative` reports (empty when it loads).
    func problems(_ relative: String, overrides: [String] = []) -> [ConfigProblem] {
        do {
            _ = try load(relative, overrides: overrides)
            return []
        } catch let error as ConfigError {
            return error.problems
        } catch {
            return [
                ConfigProblem(location: SourceLocation(file: "?", line: 0, column: 0), keyPath: "", message: "\(error)")
            ]
        }
    }

    func remove() {
        try? FileManager.default.removeItem(at: root)
    }
}

extension [ConfigProblem] {
    /// The first problem at `keyPath`, if any.
    func at(_ keyPath: String) -> ConfigProblem? {
        first { $0.keyPath == keyPath }
    }
}
