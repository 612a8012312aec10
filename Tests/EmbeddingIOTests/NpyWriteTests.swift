import Foundation
import LinearAlgebra
import Testing
import _TestSupport

@testable import EmbeddingIO

@Suite struct NpyWriteTests {
    /// Values that exercise signs, subnormals of f2, rounding and large magnitudes.
    static func sample() -> Matrix {
        var generator = SeededGenerator(seed: 42)
        var m = Matrix.randomNormal(rows: 6, columns: 5, using: &generator)
        m[0, 0] = 0
        m[0, 1] = -0.0
        m[0, 2] = 1e-6  // float16 subnormal
        m[0, 3] = 60000  // near float16's max
        m[0, 4] = -3.140625
        return m
    }

    @Test(arguments: NpyDType.allCases, [1, 2, 3])
    func roundTripsEveryDTypeAndVersion(dtype: NpyDType, version: Int) throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("m.npy")
        let m = Self.sample()
        try Npy.write(m, to: url, dtype: dtype, version: version)
        let header = try Npy.readHeader(url)
        #expect(header.version == version && header.dtype == dtype && header.shape == [6, 5] && !header.fortranOrder)
        #expect(header.dataOffset % 64 == 0)
        let back = try Npy.read(url)
        #expect(back.rows == 6 && back.columns == 5)
        switch dtype {
        case .float32, .float64:
            #expect(back == m)  // exact: f4 is the same bits, f8 widens and narrows exactly
        case .float16:
            for (x, y) in zip(m.storage, back.storage) {
                #expect(abs(x - y) <= max(abs(x) * 0x1p-11, 0x1p-25), "\(x) -> \(y)")
            }
        }
        #expect(try dir.contents() == ["m.npy"])  // no temporary file left behind
    }

    @Test(arguments: NpyDType.allCases)
    func vectorRoundTrips(dtype: NpyDType) throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("bias.npy")
        let bias: [Float] = [0.5, -1.25, 3, 0]
        try Npy.writeVector(bias, to: url, dtype: dtype, version: 2)
        #expect(try Npy.readHeader(url).shape == [4])
        #expect(try Npy.readVector(url) == bias)  // exact in every dtype
    }

    @Test func headerTextMatchesNumpyConventions() throws {
        let header = try Npy.encodeHeader(shape: [5183, 384], dtype: .float32, version: 1, path: "x.npy")
        #expect(header.count % 64 == 0)
        #expect(header.last == 0x0A)
        let text = String(decoding: header[10...], as: UTF8.self)
        #expect(text.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (5183, 384), }"))
        let vector = try Npy.encodeHeader(shape: [7], dtype: .float16, version: 2, path: "x.npy")
        #expect(String(decoding: vector[12...], as: UTF8.self).contains("'shape': (7,)"))
        #expect(throws: EmbeddingIOError.self) {
            try Npy.encodeHeader(shape: [1], dtype: .float32, version: 4, path: "x.npy")
        }
    }

    /// float16 conversion against the platform's `Float16` on all 65 536 bit patterns.
    @Test func halfFloatConversionMatchesFloat16() throws {
        #if !(os(macOS) && arch(x86_64))
        for bits in 0...UInt16.max {
            let expected = Float(Float16(bitPattern: bits))
            let value = HalfFloat.toFloat(bits)
            #expect(value.bitPattern == expected.bitPattern || (value.isNaN && expected.isNaN), "bits \(bits)")
            if !value.isNaN {
                #expect(HalfFloat.fromFloat(value) == bits, "round trip of \(bits)")
            }
        }
        // Rounding of floats between halves (ties to even), compared with Float16(Float).
        var generator = SeededGenerator(seed: 3)
        for _ in 0..<20_000 {
            let x = Float(bitPattern: UInt32(truncatingIfNeeded: generator.next()))
            guard !x.isNaN else { continue }
            #expect(HalfFloat.fromFloat(x) == Float16(x).bitPattern, "\(x)")
        }
        #endif
    }
}
