import Foundation
import Testing
import _TestSupport

/// The CLI stays a front end: it names the library through Workflows (and the pipeline), never the
/// modules below it.
@Suite struct CLIImportsTests {
    static let allowed: Set<String> = ["ArgumentParser", "Foundation", "Workflows", "Pipeline"]

    @Test func everyFileOfTheCLIImportsOnlyTheFrontEndModules() throws {
        let folder = SharedData.packageRoot.appendingPathComponent("Sources/era")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
        #expect(files.count > 10)
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            let imported = text.split(separator: "\n").compactMap { line -> String? in
                // `@_exported import struct Alignment.AdaptSettings` imports from Alignment too.
                let kinds: Set<Substring> = ["struct", "enum", "class", "protocol", "func", "typealias", "var", "let"]
                let words = line.split(separator: " ").filter { !$0.hasPrefix("@") && !kinds.contains($0) }
                guard words.first == "import", words.count > 1 else { return nil }
                return String(words[1].split(separator: ".").first ?? words[1])
            }
            let foreign = imported.filter { !Self.allowed.contains($0) }
            #expect(foreign.isEmpty, "\(file) imports \(foreign)")
        }
    }
}
