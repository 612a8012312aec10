import AdapterFormat
import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra
import Testing
import Workflows
import _TestSupport

/// Issue 11 item 10: `era apply` stopped by SIGINT or SIGTERM left its `.tmp-` file behind.
@Suite struct InterruptedWriteTests {
    func temporaries(in dir: TemporaryDirectory) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.url.path)) ?? []).filter { $0.contains(".tmp-") }
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func applyStoppedBySignalLeavesNoTemporaryFile(signalNumber: Int32) throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanUp() }
        let map = try AffineMap(weight: Matrix([[1, 2, 0], [0, 1, -1]]), bias: [0.5, -0.25])
        try Adapter(
            map: map, sourceModel: "q", targetModel: "d", stage: "test", configurationHash: "-", version: "test"
        )
        .save(to: dir.url.appendingPathComponent("a.safetensors"))
        // Large enough that the output is being written for a while (seconds in a debug build).
        let rows = 4_000_000
        try Npy.write(Matrix(rows: rows, columns: 3, repeating: 1), to: dir.url.appendingPathComponent("q.npy"))
        let process = Process()
        process.executableURL = EraProcess.executable
        process.arguments = [
            "apply", "--adapter", dir.path("a.safetensors"), "--in", dir.path("q.npy"),
            "--out", dir.path("out.npy"), "--quiet",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var sawTemporary = false
        while process.isRunning {
            if !temporaries(in: dir).isEmpty {
                sawTemporary = true
                kill(process.processIdentifier, signalNumber)
                break
            }
            usleep(2_000)
        }
        process.waitUntilExit()
        guard sawTemporary else {
            Issue.record("era apply finished before its temporary file was seen; make the input larger")
            return
        }
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(temporaries(in: dir).isEmpty, "left behind: \(temporaries(in: dir))")
        #expect(!FileManager.default.fileExists(atPath: dir.path("out.npy")))
    }
}
