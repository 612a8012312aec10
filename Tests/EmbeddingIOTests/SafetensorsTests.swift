import Foundation
import LinearAlgebra
import Testing
import _TestSupport

@testable import EmbeddingIO

/// Safetensors bytes built by hand: `json` padded to 8, then `data`.
func safetensorsBytes(json: String, data: [UInt8]) -> [UInt8] {
    var header = Array(json.utf8)
    header += [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8)
    return withUnsafeBytes(of: UInt64(header.count).littleEndian) { Array($0) } + header + data
}

@Suite struct SafetensorsTests {
    static func adapter() -> SafetensorsFile {
        var generator = SeededGenerator(seed: 11)
        let weight = Matrix.randomNormal(rows: 5, columns: 3, using: &generator)
        let half = [Float](arrayLiteral: 0.5, -2, 1024).map(HalfFloat.fromFloat)
        let wide: [Double] = [1e-300, -7.25]
        return SafetensorsFile(
            tensors: [
                "weight": .init(weight),
                "bias": .init(vector: [0.1, -0.2, 0.3, 0, 5]),
                "half": .init(dtype: .f16, shape: [3], data: half.withUnsafeBufferPointer { Data(buffer: $0) }),
                "wide": .init(dtype: .f64, shape: [1, 2], data: wide.withUnsafeBufferPointer { Data(buffer: $0) }),
                "empty": .init(dtype: .f32, shape: [0, 4], data: Data()),
            ],
            metadata: [
                "query_model": "all-mpnet-base-v2", "note": "quote \" backslash \\ newline \n ünï", "stage": "2",
            ])
    }

    @Test func roundTripsDeterministicallyWithoutTemporaryFiles() throws {
        let dir = try TemporaryDirectory()
        let file = Self.adapter()
        try file.write(to: dir.file("adapter.safetensors"))
        let back = try Safetensors.read(dir.file("adapter.safetensors"))
        #expect(back == file)
        #expect(back.sourcePath == dir.file("adapter.safetensors").path)
        #expect(try back.matrix("weight") == file.matrix("weight"))
        #expect(try back.vector("bias") == [0.1, -0.2, 0.3, 0, 5])
        #expect(try back.vector("half") == [0.5, -2, 1024])
        #expect(try back.vector("wide") == [Float(1e-300), -7.25])
        #expect(try back.matrix("empty").rows == 0)
        let bytes = try Data(contentsOf: dir.file("adapter.safetensors"))
        #expect(bytes == (try file.encoded()))
        #expect(bytes == (try Self.adapter().encoded()))  // same content, same bytes
        let headerLength = bytes.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        #expect(headerLength % 8 == 0)
        #expect(try dir.contents() == ["adapter.safetensors"])
    }

    @Test func readsTheFilePythonWrote() throws {
        let file = try Safetensors.read(try fixture("python.safetensors"))
        #expect(try file.matrix("weight") == fixtureMatrix)
        #expect(file.tensors["bias"]?.dtype == .f64)
        #expect(try file.vector("bias") == fixtureMatrix.row(0))
        #expect(file.tensors["half"]?.dtype == .f16)
        #expect(try file.vector("half") == fixtureMatrix.row(1))
        #expect(file.metadata == ["source": "make_fixtures.py", "model": "test"])
    }

    @Test func wrongTensorNamesAndShapesNameTheFileAndTensor() throws {
        let url = try fixture("python.safetensors")
        let file = try Safetensors.read(url)
        let missing = expectIOError(.malformedHeader, naming: url) { _ = try file.matrix("nope") }
        #expect(missing?.field == "nope" && missing?.description.contains("bias, half, weight") == true)
        expectIOError(.badShape, naming: url) { _ = try file.matrix("bias") }
        expectIOError(.badShape, naming: url) { _ = try file.vector("weight") }
        let dir = try TemporaryDirectory()
        let bad = SafetensorsFile(tensors: ["__metadata__": .init(vector: [1])])
        expectIOError(.invalidValue, naming: dir.file("x.safetensors")) { try bad.write(to: dir.file("x.safetensors")) }
    }

    static let f32x4 = float32Bytes([1, 2, 3, 4])

    @Test(arguments: [
        ("not_json.safetensors", "{abc", f32x4, EmbeddingIOError.Kind.malformedHeader),
        ("array.safetensors", "[1, 2]", f32x4, .malformedHeader),
        ("lying_shape.safetensors", #"{"w":{"dtype":"F32","shape":[3,5],"data_offsets":[0,16]}}"#, f32x4, .badOffsets),
        (
            "overlap.safetensors",
            #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#,
            f32x4, .badOffsets
        ),
        (
            "gap.safetensors",
            #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}}"#,
            f32x4, .badOffsets
        ),
        ("past_end.safetensors", #"{"w":{"dtype":"F32","shape":[8],"data_offsets":[0,32]}}"#, f32x4, .sizeMismatch),
        ("trailing.safetensors", #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, f32x4, .sizeMismatch),
        ("reversed.safetensors", #"{"w":{"dtype":"F32","shape":[0],"data_offsets":[16,0]}}"#, f32x4, .badOffsets),
        ("bf16.safetensors", #"{"w":{"dtype":"BF16","shape":[8],"data_offsets":[0,16]}}"#, f32x4, .unsupportedDType),
        ("i32.safetensors", #"{"w":{"dtype":"I32","shape":[4],"data_offsets":[0,16]}}"#, f32x4, .unsupportedDType),
        ("no_offsets.safetensors", #"{"w":{"dtype":"F32","shape":[4]}}"#, f32x4, .malformedHeader),
        (
            "float_shape.safetensors", #"{"w":{"dtype":"F32","shape":[4.5],"data_offsets":[0,16]}}"#, f32x4,
            .malformedHeader
        ),
        ("negative_shape.safetensors", #"{"w":{"dtype":"F32","shape":[-4],"data_offsets":[0,16]}}"#, f32x4, .badShape),
        (
            "overflow.safetensors", #"{"w":{"dtype":"F64","shape":[4611686018427387904,2],"data_offsets":[0,16]}}"#,
            f32x4, .badShape
        ),
        (
            "metadata_number.safetensors",
            #"{"__metadata__":{"a":1},"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, f32x4, .malformedHeader
        ),
    ])
    func rejectsBrokenFiles(name: String, json: String, data: [UInt8], kind: EmbeddingIOError.Kind) throws {
        let dir = try TemporaryDirectory()
        let url = try dir.write(name, safetensorsBytes(json: json, data: data))
        expectIOError(kind, naming: url) { _ = try Safetensors.read(url) }
    }

    @Test func rejectsTruncatedAndLyingHeaderLengths() throws {
        let dir = try TemporaryDirectory()
        let good = Array(try Self.adapter().encoded())
        var huge = good
        huge[7] = 0x7F
        var tooLong = good  // declares a header as long as the whole file
        withUnsafeBytes(of: UInt64(good.count).littleEndian) { tooLong.replaceSubrange(0..<8, with: $0) }
        let cases: [(String, [UInt8], EmbeddingIOError.Kind)] = [
            ("short.safetensors", [1, 2, 3], .sizeMismatch),
            ("huge_header.safetensors", huge, .malformedHeader),
            ("header_cut.safetensors", Array(good.prefix(40)), .sizeMismatch),
            ("data_cut.safetensors", Array(good.dropLast(4)), .sizeMismatch),
            ("lying_length.safetensors", tooLong, .sizeMismatch),
        ]
        for (name, bytes, kind) in cases {
            let url = try dir.write(name, bytes)
            expectIOError(kind, naming: url) { _ = try Safetensors.read(url) }
        }
    }
}
