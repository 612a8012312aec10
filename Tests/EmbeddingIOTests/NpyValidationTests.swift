import Foundation
import LinearAlgebra
import Testing
import _TestSupport

@testable import EmbeddingIO

/// Every malformed input gives one `EmbeddingIOError` naming the file (never a trap).
@Suite struct NpyValidationTests {
    static let goodDict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }"
    static let goodData = float32Bytes(fixtureMatrix.storage)

    @Test(arguments: [
        // (file name, header dict, data, major version, expected kind)
        (
            "shape_lies_more.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 5), }", goodData, 1,
            EmbeddingIOError.Kind.sizeMismatch
        ),
        (
            "shape_lies_less.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 4), }", goodData, 1,
            .sizeMismatch
        ),
        ("truncated_data.npy", goodDict, Array(goodData.dropLast(3)), 1, .sizeMismatch),
        (
            "overflow.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }", goodData,
            1, .badShape
        ),
        (
            "overflow_itemsize.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (2305843009213693952, 1), }",
            goodData, 2, .badShape
        ),
        (
            "huge_dim.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999, 4), }",
            goodData, 1, .badShape
        ),
        ("negative_dim.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (-3, 4), }", goodData, 1, .badShape),
        (
            "unterminated.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), ", goodData, 1,
            .malformedHeader
        ),
        ("missing_key.npy", "{'descr': '<f4', 'shape': (3, 4), }", goodData, 1, .malformedHeader),
        (
            "extra_key.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), 'x': 1}", goodData, 1,
            .malformedHeader
        ),
        (
            "shape_not_tuple.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': 'big', }", goodData, 1,
            .malformedHeader
        ),
        (
            "shape_float.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (3.0, 4), }", goodData, 1,
            .malformedHeader
        ),
        (
            "fortran_word.npy", "{'descr': '<f4', 'fortran_order': yes, 'shape': (3, 4), }", goodData, 1,
            .malformedHeader
        ),
        ("not_a_dict.npy", "[1, 2, 3]", goodData, 1, .malformedHeader),
        ("garbage.npy", "\u{1}\u{2}%%%", goodData, 1, .malformedHeader),
        (
            "structured.npy", "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (3, 4), }", goodData, 1,
            .unsupportedDType
        ),
        ("version4.npy", goodDict, goodData, 4, .malformedHeader),
    ])
    func rejectsBrokenHeaders(name: String, dict: String, data: [UInt8], major: UInt8, kind: EmbeddingIOError.Kind)
        throws
    {
        let dir = try TemporaryDirectory()
        let url = try dir.write(name, npyBytes(dict: dict, data: data, major: major))
        expectIOError(kind, naming: url) { _ = try Npy.read(url) }
        expectIOError(kind, naming: url) { _ = try Npy.load(url, mapped: true) }
    }

    @Test func rejectsBadMagicAndShortFiles() throws {
        let dir = try TemporaryDirectory()
        var wrongMagic = npyBytes(dict: Self.goodDict, data: Self.goodData)
        wrongMagic[1] = 0x4F
        let cases: [(String, [UInt8], EmbeddingIOError.Kind)] = [
            ("csv_renamed.npy", Array("1,2,3\n4,5,6\n7,8,9\n".utf8), .badMagic),
            ("wrong_magic.npy", wrongMagic, .badMagic),
            ("empty.npy", [], .sizeMismatch),
            ("five_bytes.npy", [0x93, 0x4E, 0x55, 0x4D, 0x50], .sizeMismatch),
            ("header_cut.npy", Array(npyBytes(dict: Self.goodDict, data: []).prefix(30)), .sizeMismatch),
            ("v2_preamble_cut.npy", Array(npyBytes(dict: Self.goodDict, data: [], major: 2).prefix(11)), .sizeMismatch),
        ]
        for (name, bytes, kind) in cases {
            let url = try dir.write(name, bytes)
            expectIOError(kind, naming: url) { _ = try Npy.read(url) }
            expectIOError(kind, naming: url) { _ = try Npy.map(url) }
        }
    }

    @Test func rejectsUnsupportedDTypesAndRanksClearly() throws {
        for name in ["i4.npy", "b1.npy"] {
            let url = try fixture(name)
            let error = expectIOError(.unsupportedDType, naming: url) { _ = try Npy.read(url) }
            #expect(error?.description.contains("astype(np.float32)") == true)
        }
        let bigEndian = try fixture("f4_big_endian.npy")
        let error = expectIOError(.unsupportedDType, naming: bigEndian) { _ = try Npy.read(bigEndian) }
        #expect(error?.description.contains("big-endian") == true)
        expectIOError(.unsupportedDType, naming: bigEndian) { _ = try Npy.readVector(bigEndian) }
        let cube = try fixture("f4_3d.npy")
        expectIOError(.badShape, naming: cube) { _ = try Npy.read(cube) }
        expectIOError(.badShape, naming: cube) { _ = try Npy.readVector(cube) }
        expectIOError(.unsupportedDType, naming: cube) { _ = try Npy.map(cube) }
    }

    @Test func rejectsMissingFilesAndDirectories() throws {
        let dir = try TemporaryDirectory()
        expectIOError(.io, naming: dir.file("nope.npy")) { _ = try Npy.read(dir.file("nope.npy")) }
        try FileManager.default.createDirectory(at: dir.file("folder.npy"), withIntermediateDirectories: false)
        expectIOError(.io, naming: dir.file("folder.npy")) { _ = try Npy.read(dir.file("folder.npy")) }
        expectIOError(.io, naming: dir.file("missing/out.npy")) {
            try Npy.write(fixtureMatrix, to: dir.file("missing/out.npy"))
        }
    }

    @Test func checkFiniteNamesFileRowAndColumn() throws {
        var m = Matrix(rows: 5, columns: 3000)
        try checkFinite(m, path: "clean.npy")
        // One bad value at SIMD-lane, block and tail boundaries is found at its exact place.
        for index in [0, 15, 16, 4095, 4096, 12287, 14991, 14999] {
            var single = m
            single.storage[index] = index.isMultiple(of: 2) ? .infinity : .nan
            let error = expectIOError(.nonFinite, naming: URL(fileURLWithPath: "m.npy")) {
                try checkFinite(single, path: "m.npy")
            }
            #expect(error?.field == "row \(index / 3000), column \(index % 3000)")
        }
        m[3, 2999] = .nan
        let nan = expectIOError(.nonFinite, naming: URL(fileURLWithPath: "corpus.npy")) {
            try checkFinite(m, path: "corpus.npy")
        }
        #expect(nan?.description.contains("row 3, column 2999") == true)
        #expect(nan?.description.contains("NaN") == true)
        m[1, 7] = -.infinity
        let inf = expectIOError(.nonFinite, naming: URL(fileURLWithPath: "corpus.npy")) {
            try checkFinite(m, path: "corpus.npy")
        }
        #expect(inf?.description.contains("row 1, column 7") == true)
        #expect(inf?.description.contains("-infinity") == true)
        // On a mapping too.
        let dir = try TemporaryDirectory()
        try Npy.write(m, to: dir.file("bad.npy"))
        let mapped = try Npy.map(dir.file("bad.npy"))
        expectIOError(.nonFinite, naming: dir.file("bad.npy")) { try checkFinite(mapped, path: mapped.path) }
    }
}
