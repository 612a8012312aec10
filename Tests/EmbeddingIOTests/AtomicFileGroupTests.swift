import Foundation
import Testing
import _TestSupport

@testable import EmbeddingIO

/// Files written together (``AtomicFile/writeTogether(_:)``): all of them or none. A full disk on the
/// second of an export's two NumPy files left a new weight beside the old bias.
@Suite struct AtomicFileGroupTests {
    @Test func aFailureInTheGroupChangesNoTarget() throws {
        struct DiskFull: Error {}
        let dir = try TemporaryDirectory()
        let weight = dir.file("a.weight.npy"), bias = dir.file("a.bias.npy")
        try AtomicFile.write(Data("old weight".utf8), to: weight)
        try AtomicFile.write(Data("old bias".utf8), to: bias)
        #expect(throws: DiskFull.self) {
            try AtomicFile.writeTogether {
                try AtomicFile.write(Data("new weight".utf8), to: weight)
                // Written and flushed, not yet in place.
                #expect(try String(contentsOf: weight, encoding: .utf8) == "old weight")
                try AtomicFile.write(to: bias) { _ in throw DiskFull() }
            }
        }
        #expect(try String(contentsOf: weight, encoding: .utf8) == "old weight")
        #expect(try String(contentsOf: bias, encoding: .utf8) == "old bias")
        #expect(try dir.contents() == ["a.bias.npy", "a.weight.npy"])
    }

    @Test func aGroupRenamesEveryFileAtItsEndAndANestedGroupJoinsIt() throws {
        let dir = try TemporaryDirectory()
        let files = ["x", "y", "z"].map { dir.file($0) }
        let value: Int = try AtomicFile.writeTogether {
            try AtomicFile.write(Data("1".utf8), to: files[0])
            try AtomicFile.writeTogether {
                try AtomicFile.write(Data("2".utf8), to: files[1])
                try AtomicFile.write(Data("3".utf8), to: files[2])
            }
            #expect(try dir.contents().isEmpty == false)  // temporaries only
            #expect(!FileManager.default.fileExists(atPath: files[1].path))
            return 7
        }
        #expect(value == 7)
        #expect(try files.map { try String(contentsOf: $0, encoding: .utf8) } == ["1", "2", "3"])
        #expect(try dir.contents() == ["x", "y", "z"])
    }

    /// A folder written inside a group is complete when it is renamed into place.
    @Test func aFolderInsideAGroupHoldsItsFiles() throws {
        let dir = try TemporaryDirectory()
        let folder = dir.file("module")
        try AtomicFile.writeTogether {
            try AtomicFolder.write(to: folder) {
                try AtomicFile.write(Data("c".utf8), to: $0.appendingPathComponent("config.json"))
            }
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("config.json").path))
        }
    }
}
