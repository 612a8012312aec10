import Foundation
import Testing

/// Issue 11 item 8: `era sweep --out-dir` naming a file printed an NSError dump.
@Suite struct OutputFolderTests {
    @Test func sweepOutDirThatIsAFileGivesOneClearLine() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanUp() }
        try dir.write("a file\n", to: "report")
        let inputs = [
            "--adapter", "a.safetensors", "--queries", "q.npy", "--query-ids", "q.txt", "--corpus", "c.npy",
            "--corpus-ids", "c.txt", "--qrels", "train.tsv", "--eval-qrels", "test.tsv",
        ].enumerated().map { index, value in
            index % 2 == 1 ? dir.path(value) : value
        }
        for outDir in [dir.path("report"), dir.path("report") + "/inner"] {
            let out = try EraProcess.run(["sweep"] + inputs + ["--out-dir", outDir])
            #expect(out.status != 0 && out.status < 128)
            let errorLines = out.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }
            #expect(errorLines.count == 1, "\(out.stderr)")
            #expect(out.stderr.contains("is a file, not a folder"), "\(out.stderr)")
            #expect(!out.stderr.contains("NSCocoaErrorDomain") && !out.stderr.contains("Error Domain"))
        }
    }
}
