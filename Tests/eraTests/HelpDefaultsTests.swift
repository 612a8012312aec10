import Foundation
import Testing

/// Every command's `--help` states each default once: a declared setting's help writes its default
/// itself, so an option that also has a Swift default would print it twice.
@Suite struct HelpDefaultsTests {
    static let commands: [[String]] = [
        ["init"], ["run"], ["align"], ["adapt"], ["evaluate"], ["sweep"], ["apply"], ["export"],
        ["era-bench", "search"], ["era-bench", "align"], ["era-bench", "adapt"],
    ]

    @Test(arguments: commands) func eachDefaultIsStatedOnce(command: [String]) throws {
        // `era-bench` commands run the benchmark tool; the others, `era`.
        let bench = command.first == "era-bench"
        let result = try EraProcess.run(
            Array(command.dropFirst(bench ? 1 : 0)) + ["--help"],
            executable: bench ? EraProcess.benchExecutable : EraProcess.executable)
        #expect(
            result.stdout.contains(
                "USAGE: \(bench ? "era-bench" : "era") \(command.dropFirst(bench ? 1 : 0).joined(separator: " "))"))
        #expect(result.status == 0, "\(result.stderr)")
        // ArgumentParser wraps help at 80 columns: join the lines before looking.
        let text = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("OPTIONS:"))
        #expect(text.range(of: #"\(default: [^)]*\) \(default:"#, options: .regularExpression) == nil, "\(text)")
    }
}
