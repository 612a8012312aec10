import Foundation
import LinearAlgebra
import Testing
import _TestSupport

@testable import EmbeddingIO

/// `InputFileContent`: one open and one read (or mapping) of a file give what the file readers give.
@Suite struct InputFileContentTests {
    @Test(arguments: [NpyDType.float32, .float16, .float64])
    func aTableGivesTheHeaderHashAndRowsOfTheReaders(dtype: NpyDType) throws {
        let dir = try TemporaryDirectory()
        var g = SeededGenerator(seed: 3)
        let matrix = Matrix.randomNormal(rows: 7, columns: 5, using: &g)
        let url = dir.file("t.npy")
        try Npy.write(matrix, to: url, dtype: dtype)
        let content = try InputFileContent(path: url.path)
        #expect(try content.npyHeader() == (try Npy.readHeader(url)))
        #expect(content.sha256Hex() == (try SHA256.hex(fileAt: url.path)))
        let table = try content.npyTable()
        let expected = try Npy.load(url, mapped: true)
        #expect(type(of: table) == type(of: expected))
        #expect(table.withUnsafeBufferPointer(Array.init) == expected.withUnsafeBufferPointer(Array.init))
    }

    @Test func textGivesTheLinesAndHashOfTheReaders() throws {
        let dir = try TemporaryDirectory()
        let url = try dir.write("ids.txt", text: "\u{FEFF}a\r\nb \nc\n")
        let content = try InputFileContent(path: url.path)
        #expect(try content.textLines() == (try TextLines.read(url)))
        #expect(try IdList.read(content) == (try IdList.read(url)))
        #expect(content.sha256Hex() == (try SHA256.hex(fileAt: url.path)))
        #expect(content.prefix(2) == Data([0xEF, 0xBB]))
    }

    @Test func hostileContentFailsAsTheFileReadersDo() throws {
        let dir = try TemporaryDirectory()
        for (name, bytes) in [
            ("short.npy", Array(Npy.magic.prefix(4))), ("cut.npy", Array(Npy.magic) + [1, 0, 200, 0]),
        ] {
            let url = try dir.write(name, bytes)
            let content = try InputFileContent(path: url.path)
            var fromFile: EmbeddingIOError.Kind?
            do { _ = try Npy.readHeader(url) } catch let error as EmbeddingIOError { fromFile = error.kind }
            expectIOError(try #require(fromFile), naming: url) { _ = try content.npyTable() }
        }
        expectIOError(.io, naming: dir.url) { _ = try InputFileContent(path: dir.url.path) }
    }
}
