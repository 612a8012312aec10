import Foundation
import LinearAlgebra
import Testing
import _TestSupport

@testable import EmbeddingIO

@Suite struct NpyReadTests {
    @Test(arguments: [
        ("f4_v1.npy", 1, "<f4", false), ("f2_v1.npy", 1, "<f2", false), ("f8_v1.npy", 1, "<f8", false),
        ("f4_v2.npy", 2, "<f4", false), ("f8_v2.npy", 2, "<f8", false), ("f4_v3.npy", 3, "<f4", false),
        ("f4_fortran.npy", 1, "<f4", true),
    ])
    func readsFilesNumpyWrote(name: String, version: Int, descr: String, fortran: Bool) throws {
        let url = try fixture(name)
        let header = try Npy.readHeader(url)
        #expect(header.version == version)
        #expect(header.descr == descr)
        #expect(header.fortranOrder == fortran)
        #expect(header.shape == [3, 4])
        #expect(header.elementCount == 12)
        #expect(header.dataOffset % 64 == 0)
        // Every fixture value is exact in f2/f4/f8, so equality is exact.
        #expect(try Npy.read(url) == fixtureMatrix)
    }

    @Test func readsOneDimensionalVector() throws {
        let url = try fixture("f4_vector.npy")
        #expect(try Npy.readHeader(url).shape == [4])
        #expect(try Npy.readVector(url) == [-0.75, -0.625, -0.5, -0.375])
        let error = expectIOError(.badShape, naming: url) { _ = try Npy.read(url) }
        // What a user does about it, not an internal function's name.
        #expect(error?.description.contains("x.reshape(1, -1)") == true, "\(String(describing: error))")
        #expect(error?.description.contains("readVector") == false)
    }

    @Test func readVectorAcceptsSingleRowOrColumn() throws {
        let dir = try TemporaryDirectory()
        let row = dir.file("row.npy"), column = dir.file("column.npy")
        try Npy.write(Matrix([[1, 2, 3]]), to: row)
        try Npy.write(Matrix([[1], [2], [3]]), to: column)
        #expect(try Npy.readVector(row) == [1, 2, 3])
        #expect(try Npy.readVector(column) == [1, 2, 3])
        expectIOError(.badShape, naming: try fixture("f4_v1.npy")) { _ = try Npy.readVector(try fixture("f4_v1.npy")) }
    }

    @Test func mapGivesTheSameValuesAsRead() throws {
        let dir = try TemporaryDirectory()
        var generator = SeededGenerator(seed: 7)
        let m = Matrix.randomNormal(rows: 50, columns: 33, using: &generator)
        let url = dir.file("m.npy")
        try Npy.write(m, to: url)
        let mapped = try Npy.map(url)
        #expect(mapped.rows == 50 && mapped.columns == 33)
        #expect(mapped.materialized() == m)
        #expect(mapped.row(49) == m.row(49))
        #expect(mapped[17, 5] == m[17, 5])
        #expect(mapped.gatherRows([3, 0, 3]) == m.gatherRows([3, 0, 3]))
        for name in ["f4_v1.npy", "f4_v2.npy", "f4_v3.npy"] {
            #expect(try Npy.map(try fixture(name)).materialized() == fixtureMatrix)
        }
    }

    @Test func mappingOutlivesTheFileHandleAndSurvivesCopies() throws {
        let dir = try TemporaryDirectory()
        let m = Matrix(rows: 2, columns: 2, storage: [1, 2, 3, 4])
        try Npy.write(m, to: dir.file("m.npy"))
        let copies: [any RowMatrix] = try (0..<3).map { _ in try Npy.map(dir.file("m.npy")) }
        // Replacing the file by rename (as every writer here does) leaves old mappings valid.
        try Npy.write(Matrix(rows: 1, columns: 1, storage: [9]), to: dir.file("m.npy"))
        for copy in copies { #expect(copy.withUnsafeBufferPointer { Array($0) } == [1, 2, 3, 4]) }
    }

    @Test func loadMapsWhenPossibleAndReadsOtherwise() throws {
        let mappedF4 = try Npy.load(try fixture("f4_v1.npy"), mapped: true)
        #expect(mappedF4 is MappedMatrix)
        #expect(try Npy.load(try fixture("f4_v1.npy"), mapped: false) is Matrix)
        for name in ["f2_v1.npy", "f8_v1.npy", "f4_fortran.npy"] {
            let loaded = try Npy.load(try fixture(name), mapped: true)
            #expect(loaded is Matrix, "\(name)")
            #expect(loaded.withUnsafeBufferPointer { Array($0) } == fixtureMatrix.storage, "\(name)")
        }
        let refused = expectIOError(.unsupportedDType, naming: try fixture("f2_v1.npy")) {
            _ = try Npy.map(try fixture("f2_v1.npy"))
        }
        #expect(refused?.description.contains("Npy.read") == true)
        expectIOError(.unsupportedDType, naming: try fixture("f4_fortran.npy")) {
            _ = try Npy.map(try fixture("f4_fortran.npy"))
        }
        // A malformed file is an error in load too, never silently read another way.
        expectIOError(.unsupportedDType, naming: try fixture("i4.npy")) {
            _ = try Npy.load(try fixture("i4.npy"), mapped: true)
        }
    }

    @Test func emptyMatrixRoundTripsAndMaps() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("empty.npy")
        try Npy.write(Matrix(rows: 0, columns: 384), to: url)
        #expect(try Npy.read(url) == Matrix(rows: 0, columns: 384))
        let mapped = try Npy.map(url)
        #expect(mapped.rows == 0 && mapped.columns == 384)
        try checkFinite(mapped, path: url.path)
    }

    @Test(.enabled(if: SharedData.scifact != nil, "\(SharedData.skipReason)"))
    func mapsTheRealMiniLMCorpus() throws {
        let url = try #require(SharedData.scifact).appendingPathComponent("minilm.corpus.npy")
        let corpus = try Npy.map(url)
        #expect(corpus.rows == 5183 && corpus.columns == 384)
        try checkFinite(corpus, path: url.path)
        let worstNormError = corpus.withUnsafeBufferPointer { values -> Float in
            var worst: Float = 0
            for i in 0..<corpus.rows {
                var sum: Float = 0
                for j in 0..<corpus.columns { sum += values[i * corpus.columns + j] * values[i * corpus.columns + j] }
                worst = max(worst, abs(sum.squareRoot() - 1))
            }
            return worst
        }
        #expect(worstNormError < 1e-3)
        let read = try Npy.read(url)
        #expect(read.row(5182) == corpus.row(5182))
    }
}
