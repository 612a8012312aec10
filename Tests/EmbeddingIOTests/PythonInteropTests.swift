import Foundation
import LinearAlgebra
import Testing
import _TestSupport

@testable import EmbeddingIO

/// Files written here are read by numpy / safetensors in Python and vice versa.
/// Skipped (with the reason) when `python3` lacks the module.
@Suite struct PythonInteropTests {
    static let hasNumpy = pythonHasModule("numpy")
    static let hasSafetensors = pythonHasModule("safetensors.numpy")

    @Test(.enabled(if: hasNumpy, "python3 with numpy is not available"))
    func numpyLoadsEveryDTypeAndVersionSwiftWrites() throws {
        let dir = try TemporaryDirectory()
        let m = NpyWriteTests.sample()
        var files: [String] = []
        for dtype in NpyDType.allCases {
            for version in 1...3 {
                let url = dir.file("m_\(dtype.itemSize)_v\(version).npy")
                try Npy.write(m, to: url, dtype: dtype, version: version)
                files.append(url.path)
            }
        }
        try Npy.writeVector([1, 2, 3], to: dir.file("v.npy"))
        // numpy prints dtype, shape and the values widened to float64 (exact) as JSON.
        let output = try runPython(
            """
            import json, sys, numpy as np
            out = []
            for p in sys.argv[1:]:
                a = np.load(p)
                out.append({"dtype": a.dtype.str, "shape": list(a.shape), "values": a.astype(np.float64).ravel().tolist()})
            print(json.dumps(out))
            """, files + [dir.file("v.npy").path])
        let loaded = try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [[String: Any]]
        #expect(loaded.count == 10)
        for (k, entry) in loaded.prefix(9).enumerated() {
            let dtype = NpyDType.allCases[k / 3]
            #expect(entry["dtype"] as? String == dtype.rawValue)
            #expect(entry["shape"] as? [Int] == [6, 5])
            let values = (entry["values"] as? [Double] ?? []).map { Float($0) }
            #expect(values == (try Npy.read(URL(fileURLWithPath: files[k]))).storage, "\(files[k])")
        }
        #expect(loaded[9]["shape"] as? [Int] == [3])
    }

    @Test(.enabled(if: hasSafetensors, "python3 with safetensors is not available (pip install safetensors)"))
    func pythonLoadsTheAdapterSwiftWrites() throws {
        let dir = try TemporaryDirectory()
        let file = SafetensorsTests.adapter()
        let url = dir.file("adapter.safetensors")
        try file.write(to: url)
        let output = try runPython(
            """
            import json, sys, numpy as np
            from safetensors import safe_open
            from safetensors.numpy import load_file
            tensors = load_file(sys.argv[1])
            with safe_open(sys.argv[1], framework="np") as f:
                metadata = f.metadata()
            print(json.dumps({"metadata": metadata, "tensors": {k: {"dtype": v.dtype.str, "shape": list(v.shape),
                "values": v.astype(np.float64).ravel().tolist()} for k, v in tensors.items()}}))
            """, [url.path])
        let loaded = try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [String: Any]
        #expect(loaded["metadata"] as? [String: String] == file.metadata)
        let tensors = try #require(loaded["tensors"] as? [String: [String: Any]])
        #expect(Set(tensors.keys) == Set(file.tensors.keys))
        let numpyDType: [SafetensorsFile.Tensor.DType: String] = [.f16: "<f2", .f32: "<f4", .f64: "<f8"]
        for (name, tensor) in file.tensors {
            let python = try #require(tensors[name])
            #expect(python["dtype"] as? String == numpyDType[tensor.dtype], "\(name)")
            #expect(python["shape"] as? [Int] == tensor.shape, "\(name)")
            #expect((python["values"] as? [Double] ?? []).map { Float($0) } == tensor.floats, "\(name)")
        }
    }

    @Test(.enabled(if: hasSafetensors, "python3 with safetensors is not available (pip install safetensors)"))
    func swiftReadsWhatPythonWritesAndWritesTheSameBytes() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("python.safetensors")
        let plain = dir.file("plain.safetensors")
        try runPython(
            """
            import sys, numpy as np
            from safetensors.numpy import save_file
            w = (np.arange(24, dtype=np.float64).reshape(6, 4) / 16 - 0.5)
            tensors = {"weight": w.astype(np.float32), "bias": w[0].astype(np.float32), "scale": w[1, :2].astype(np.float64),
                       "h": w[2].astype(np.float16), "zz": np.zeros((0, 3), np.float32)}
            save_file(tensors, sys.argv[1], metadata={"query_model": "q", "index_model": "d", "z": "\\u00fc \\"q\\""})
            save_file(tensors, sys.argv[2], metadata={"only": "one"})
            """, [url.path, plain.path])
        let file = try Safetensors.read(url)
        let expected = Matrix(rows: 6, columns: 4, storage: (0..<24).map { Float($0) / 16 - 0.5 })
        #expect(try file.matrix("weight") == expected)
        #expect(try file.vector("bias") == expected.row(0))
        #expect(try file.vector("scale") == Array(expected.row(1).prefix(2)))
        #expect(try file.vector("h") == expected.row(2))
        #expect(try file.matrix("zz").columns == 3)
        #expect(file.metadata == ["query_model": "q", "index_model": "d", "z": "ü \"q\""])
        // The Swift writer reproduces the reference writer's bytes exactly (with several metadata
        // keys the reference uses hash order there, Swift sorts them, so compare with one key).
        var single = file
        single.metadata = ["only": "one"]
        #expect(try single.encoded() == Data(contentsOf: plain))
    }
}
