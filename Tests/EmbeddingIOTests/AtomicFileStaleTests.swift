import Foundation
import Testing

@testable import EmbeddingIO

/// Issue 11 item 10: a write killed where no handler runs (SIGKILL) leaves `.name.tmp-<pid>-*`;
/// the next write of the same file removes it once its process is gone, and only then.
@Suite struct AtomicFileStaleTests {
    @Test func staleTemporariesOfDeadWritersAreRemovedLiveOnesKept() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("era-stale-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // A pid that has certainly exited: a finished child of ours.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sh")
        child.arguments = ["-c", "exit 0"]
        try child.run()
        child.waitUntilExit()
        let dead = directory.appendingPathComponent(".out.npy.tmp-\(child.processIdentifier)-deadbeef")
        let live = directory.appendingPathComponent(".out.npy.tmp-\(getpid())-0badcafe")
        let other = directory.appendingPathComponent(".other.npy.tmp-\(child.processIdentifier)-deadbeef")
        for url in [dead, live, other] { try Data("partial".utf8).write(to: url) }
        try AtomicFile.write(Data("new".utf8), to: directory.appendingPathComponent("out.npy"))
        #expect(!FileManager.default.fileExists(atPath: dead.path))
        #expect(FileManager.default.fileExists(atPath: live.path))
        #expect(FileManager.default.fileExists(atPath: other.path))
        #expect(try Data(contentsOf: directory.appendingPathComponent("out.npy")) == Data("new".utf8))
    }
}
