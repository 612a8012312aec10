import Foundation
import Testing
import _TestSupport

@testable import EmbeddingIO

@Suite struct AtomicFileTests {
    @Test func writesAndReplacesWithoutLeavingTemporaryFiles() throws {
        let dir = try TemporaryDirectory()
        let target = dir.file("out.bin")
        try AtomicFile.write(Data([1, 2, 3]), to: target)
        #expect(try Data(contentsOf: target) == Data([1, 2, 3]))
        try AtomicFile.write(Data(repeating: 7, count: 3 << 20), to: target)
        #expect(try Data(contentsOf: target) == Data(repeating: 7, count: 3 << 20))
        #expect(try dir.contents() == ["out.bin"])
    }

    @Test func failureLeavesTheOldTargetAndNoTemporaryFile() throws {
        struct Interrupted: Error {}
        let dir = try TemporaryDirectory()
        let target = dir.file("out.bin")
        try AtomicFile.write(Data("old".utf8), to: target)
        #expect(throws: Interrupted.self) {
            try AtomicFile.write(to: target) { sink in
                try sink.write(Array("half of the new con".utf8))
                throw Interrupted()
            }
        }
        #expect(try String(contentsOf: target, encoding: .utf8) == "old")
        #expect(try dir.contents() == ["out.bin"])
        // A failed first write creates nothing at all.
        #expect(throws: Interrupted.self) { try AtomicFile.write(to: dir.file("new.bin")) { _ in throw Interrupted() } }
        #expect(try dir.contents() == ["out.bin"])
    }

    @Test func unwritableLocationNamesTheTarget() throws {
        let dir = try TemporaryDirectory()
        let target = dir.file("no/such/dir/out.bin")
        let error = expectIOError(.io, naming: target) { try AtomicFile.write(Data([1]), to: target) }
        #expect(error?.description.contains("no/such/dir/out.bin") == true)
    }
}
