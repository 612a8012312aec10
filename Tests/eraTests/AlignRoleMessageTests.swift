import EmbeddingIO
import Foundation
import LinearAlgebra
import Testing
import _TestSupport

/// The CLI's side of `AlignRequest.Failure`: the role of the input at fault becomes its flag, with
/// the value given; nothing is written.
@Suite struct AlignRoleMessageTests {
    func expectRefusal(_ f: AlignCommandTests.Fixture, _ arguments: [String], startsWith prefix: String) throws {
        let out = try EraProcess.run(arguments)
        #expect(out.status != 0 && out.status < 128, "status \(out.status): \(out.stderr)")
        let errors = out.stderr.split(separator: "\n").filter { $0.hasPrefix("Error: ") }
        #expect(errors.count == 1 && errors.first?.hasPrefix("Error: " + prefix) == true, "\(out.stderr)")
        #expect(f.wroteNothing)
    }

    @Test func aRowWithNaNIsNamedByFlagAndFile() throws {
        let f = try AlignCommandTests.Fixture(); defer { f.dir.cleanUp() }
        var x = try Npy.read(f.dir.url.appendingPathComponent("source.npy"))
        x[7, 2] = .nan
        try Npy.write(x, to: f.dir.url.appendingPathComponent("nan.npy"))
        try expectRefusal(f, f.arguments(source: "nan.npy"), startsWith: "--source \(f.dir.path("nan.npy")): ")
    }

    @Test func unpairedRefusalsNameTheirFlags() throws {
        let f = try AlignCommandTests.Fixture(); defer { f.dir.cleanUp() }
        let unpaired = [
            "align", "--unpaired", "--source", f.dir.path("source.npy"), "--target", f.dir.path("target.npy"),
            "--out", f.dir.path("adapter.safetensors"),
        ]
        try expectRefusal(
            f, unpaired + ["--sample", "100"],
            startsWith: "--sample 100: with --unpaired, only a Chroma collection's records")
        try expectRefusal(
            f, unpaired + ["--anchors", "3"], startsWith: "--anchors 3: give --source-ids and --target-ids")
        let table = "postgresql://u@/db?host=/nowhere&table=docs"
        var onTable = unpaired
        onTable[onTable.firstIndex(of: f.dir.path("target.npy"))!] = table
        try expectRefusal(f, onTable, startsWith: "--target \(table): --unpaired samples a Chroma collection's records")
    }

    @Test func aStoreTargetRefusesTargetIds() throws {
        let f = try AlignCommandTests.Fixture(); defer { f.dir.cleanUp() }
        var arguments = f.arguments()
        arguments[arguments.firstIndex(of: f.dir.path("target.npy"))!] = "chroma://localhost:1/docs"
        try expectRefusal(
            f, arguments,
            startsWith: "--target-ids \(f.dir.path("target_ids.txt")): not used with a Chroma collection")
    }
}
