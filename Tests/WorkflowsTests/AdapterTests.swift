import AdapterFormat
import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra
import Testing
import Workflows

@Suite struct AdapterTests {
    static func temporaryURL(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("era-adapter-\(UUID().uuidString)-\(name)")
    }

    static func sampleAdapter() throws -> Adapter {
        let map = try AffineMap<Float>(weight: Matrix([[1, 2, 3], [0, -1, 0.5]]), bias: [0.25, -2], family: .linear)
        return Adapter(
            map: map, sourceModel: "mpnet", targetModel: "minilm", stage: "align",
            configurationHash: "0123456789abcdef", version: "0.1.0", extraMetadata: ["pairs": "7"])
    }

    @Test func roundTripsWithMetadata() throws {
        let adapter = try Self.sampleAdapter()
        let url = Self.temporaryURL("a.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try adapter.save(to: url)
        let loaded = try Adapter.load(url)
        #expect(loaded == adapter)
        let file = try Safetensors.read(url)
        #expect(file.metadata["source_dim"] == "3" && file.metadata["target_dim"] == "2")
        #expect(file.metadata["family"] == "linear" && file.metadata["stage"] == "align")
        #expect(file.tensors["weight"]?.shape == [2, 3] && file.tensors["bias"]?.shape == [2])
    }

    @Test func appliesNormalizedAffineMap() throws {
        let adapter = try Self.sampleAdapter()
        let q = try adapter.apply(to: Matrix([[1, 0, 0], [0, 0, 2]]))
        // Row 0: W x + b = (1.25, -2); row 1: (6.25, -1).
        let rows: [[Float]] = [[1.25, -2], [6.25, -1]]
        let expected: [[Float]] = rows.map { v in
            let n = (v[0] * v[0] + v[1] * v[1]).squareRoot()
            return [v[0] / n, v[1] / n]
        }
        for i in 0..<2 { for j in 0..<2 { #expect(abs(q[i, j] - expected[i][j]) < 1e-6) } }
        #expect(throws: AlignmentError.self) { try adapter.apply(to: Matrix(rows: 1, columns: 2)) }
    }

    @Test func refusesInconsistentFiles() throws {
        let url = Self.temporaryURL("bad.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try SafetensorsFile(tensors: ["weight": .init(Matrix(rows: 2, columns: 3)), "bias": .init(vector: [1, 2, 3])])
            .write(to: url)
        #expect(throws: AdapterError.self) { try Adapter.load(url) }
        try SafetensorsFile(
            tensors: ["weight": .init(Matrix(rows: 2, columns: 3))],
            metadata: ["source_dim": "4"]
        ).write(to: url)
        #expect(throws: AdapterError.self) { try Adapter.load(url) }
        try SafetensorsFile(tensors: ["bias": .init(vector: [1])]).write(to: url)
        #expect(throws: AdapterError.self) { try Adapter.load(url) }
    }

    /// A calibration that is not a number was dropped without a word (and an export copied it on);
    /// a format newer than this era was read as if it were its own.
    @Test func refusesAnUnreadableCalibrationAndANewerFormat() throws {
        let url = Self.temporaryURL("meta.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        let tensors: [String: SafetensorsFile.Tensor] = [
            "weight": .init(Matrix([[1, 0], [0, 1]])), "bias": .init(vector: [0, 0]),
        ]
        for (metadata, says) in [
            (["score_scale": "nan", "score_offset": "0.1"], "score_scale = nan"),
            (["score_scale": "0.5"], "score_offset = none"),
            (["format_version": "99"], "format_version = 99"),
        ] {
            try SafetensorsFile(tensors: tensors, metadata: metadata).write(to: url)
            let error = #expect(throws: AdapterError.self) { try Adapter.load(url) }
            #expect(error.map { "\($0)" }?.contains(says) == true, "\(String(describing: error))")
        }
        try SafetensorsFile(tensors: tensors, metadata: ["score_scale": "0.5", "score_offset": "0.1"]).write(to: url)
        #expect(try Adapter.load(url).scoreCalibration?.scale == 0.5)
    }

    /// Issue 11 item 7: a zero adapter was applied (writing zero rows) and evaluated, and a
    /// non-finite one must be refused on every path that loads a file (apply, evaluate, adapt).
    @Test func refusesZeroAndNonFiniteAdapters() throws {
        let url = Self.temporaryURL("zero.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try SafetensorsFile(tensors: ["weight": .init(Matrix(rows: 2, columns: 3)), "bias": .init(vector: [1, 0])])
            .write(to: url)
        do {
            _ = try Adapter.load(url)
            Issue.record("a zero adapter was loaded")
        } catch let error as AdapterError {
            #expect(error.path == url.path)
            #expect(error.message.contains("all zeros"))
        }
        var weight = Matrix(rows: 2, columns: 3)
        weight[0, 0] = .nan
        try SafetensorsFile(tensors: ["weight": .init(weight)]).write(to: url)
        #expect(throws: AdapterError.self) { try Adapter.load(url) }
        weight[0, 0] = 1
        try SafetensorsFile(tensors: ["weight": .init(weight)]).write(to: url)
        #expect(throws: Never.self) { try Adapter.load(url) }
    }

    /// Python's `safetensors.numpy.load_file` reads the adapter (skipped when the package is absent).
    @Test(.enabled(if: AdapterTests.pythonHasSafetensors, "python3 with the safetensors package not found"))
    func pythonLoadsAdapter() throws {
        let adapter = try Self.sampleAdapter()
        let url = Self.temporaryURL("py.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try adapter.save(to: url)
        let script = """
            import sys, numpy as np
            from safetensors.numpy import load_file
            t = load_file(sys.argv[1]); W, b = t["weight"], t["bias"]
            assert W.dtype == np.float32 and W.shape == (2, 3) and b.shape == (2,)
            q = np.array([1, 0, 0], np.float32) @ W.T + b
            print(" ".join(repr(float(v)) for v in q / np.linalg.norm(q)))
            """
        let output = try Self.python(["-c", script, url.path])
        let values = output.split(separator: " ").compactMap {
            Double($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let mapped = try adapter.apply(to: Matrix([[1, 0, 0]]))
        #expect(values.count == 2)
        for j in 0..<2 { #expect(abs(values[j] - Double(mapped[0, j])) < 1e-6) }
    }

    static let pythonHasSafetensors: Bool = (try? python(["-c", "import safetensors.numpy"])) != nil

    static func python(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw AdapterError(path: "python3", "exit \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
