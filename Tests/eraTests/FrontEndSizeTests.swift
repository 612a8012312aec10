import Foundation
import Testing
import _TestSupport

/// The front ends stay thin (issue 21's bars): a command file at most 120 lines, a stage file at most
/// 60; what grows past that belongs in a request, a renderer or its own file.
@Suite struct FrontEndSizeTests {
    static func lineCounts(in folder: String, suffix: String) throws -> [String: Int] {
        let url = SharedData.packageRoot.appendingPathComponent(folder)
        var counts = [String: Int]()
        for file in try FileManager.default.contentsOfDirectory(atPath: url.path) where file.hasSuffix(suffix) {
            let text = try String(contentsOf: url.appendingPathComponent(file), encoding: .utf8)
            counts[file] =
                text.split(separator: "\n", omittingEmptySubsequences: false).count
                - (text.hasSuffix("\n") ? 1 : 0)
        }
        return counts
    }

    @Test func commandsAreAtMost120Lines() throws {
        let counts = try Self.lineCounts(in: "Sources/era", suffix: "Command.swift")
        #expect(counts.count >= 8)
        for (file, lines) in counts.sorted(by: { $0.key < $1.key }) {
            #expect(lines <= 120, "\(file): \(lines) lines")
        }
    }

    @Test func stagesAreAtMost60Lines() throws {
        let counts = try Self.lineCounts(in: "Sources/Pipeline/Stages", suffix: "Stage.swift")
        #expect(counts.count == 5)
        for (file, lines) in counts.sorted(by: { $0.key < $1.key }) {
            #expect(lines <= 60, "\(file): \(lines) lines")
        }
    }
}
