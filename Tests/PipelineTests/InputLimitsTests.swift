import Foundation
import Testing

@testable import Pipeline

// Values a pipeline refuses where they are written, before anything runs (found by trying to break
// `era run`): non-finite embeddings, integers and reals beyond their bounds, an empty stage list.

/// A NaN or infinite value in any embeddings file stops the pipeline before it runs, at its key:
/// broken rows used to be ranked, and the verdict followed ("use adapt" with 50 NaN index rows).
@Suite struct NonFiniteDataTests {
    @Test(arguments: [
        ("data/corpus.d.npy", "data.index.embeddings", Float.nan),
        ("data/queries.q.npy", "data.queries.embeddings", Float.infinity),
        ("data/align.d.npy", "data.alignment.index_model", -Float.infinity),
    ])
    func aNonFiniteValueIsReportedAtItsKey(file: String, keyPath: String, value: Float) throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        var data = try Data(contentsOf: fixture.url(file))
        // Row 1, column 2 of a 4- or 6-column float32 table after the 128-byte header.
        let columns = file.contains(".q.") ? 6 : 4
        let offset = 128 + 4 * (columns + 2)
        withUnsafeBytes(of: value) { data.replaceSubrange(offset..<(offset + 4), with: $0) }
        try data.write(to: fixture.url(file))
        try fixture.write("demo.yaml", pipeline(stages: "stages:\n  - kind: align\n  - kind: evaluate\n"))
        let problem = try #require(fixture.problems("demo.yaml").at(keyPath), "\(fixture.problems("demo.yaml"))")
        #expect(problem.message.contains("row 1, column 2"), "\(problem.message)")
        #expect(problem.message.contains(fixture.url(file).lastPathComponent), "\(problem.message)")
    }
}

/// Integer settings near Int.max passed `--check` and trapped in arithmetic (batch count, progress);
/// every declared integer is now bounded by `Setting.integerLimit`, reported where it is written.
@Suite struct IntegerLimitTests {
    @Test(arguments: ["batch_size", "epochs", "patience", "negative_pool"])
    func anIntegerBeyondTheLimitIsReportedAtItsKey(key: String) throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        let text = pipeline(stages: "stages:\n  - kind: align\n    options: {\(key): 9223372036854775807}\n")
        try fixture.write("demo.yaml", text)
        let problem = try #require(
            fixture.problems("demo.yaml").at("stages[0].options.\(key)"), "\(fixture.problems("demo.yaml"))")
        #expect(problem.message.contains("at most 2147483647"), "\(problem.message)")
    }
}

/// A learning rate or temperature of 1e300 was refused under another name ("invalid weight_decay",
/// "temperature = inf", a NaN gradient): both are bounded where written.
@Suite struct RealLimitTests {
    @Test(arguments: [
        ("align", "learning_rate", "(0, 10]"), ("align", "temperature", "(0, 100]"),
        ("adapt", "learning_rate", "(0, 10]"),
    ])
    func aHugeValueIsReportedAtItsKey(kind: String, key: String, range: String) throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        let text = pipeline(stages: "stages:\n  - kind: align\n  - kind: adapt\n")
            .replacingOccurrences(
                of: "  - kind: \(kind)\n", with: "  - kind: \(kind)\n    options: {\(key): 1.0e+300}\n")
        try fixture.write("demo.yaml", text)
        let index = kind == "align" ? 0 : 1
        let problem = try #require(
            fixture.problems("demo.yaml").at("stages[\(index)].options.\(key)"), "\(fixture.problems("demo.yaml"))")
        #expect(problem.message.contains("a number in \(range)"), "\(problem.message)")
    }
}

/// `stages: []` (or `--set stages=[]`) ran nothing and exited 0 as if the work were done.
@Suite struct EmptyStagesTests {
    @Test func anEmptyStageListIsAProblem() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        try fixture.write("demo.yaml", pipeline(stages: "stages: []\n"))
        let problem = try #require(fixture.problems("demo.yaml").at("stages"), "\(fixture.problems("demo.yaml"))")
        #expect(problem.message == "expected at least one stage, got an empty list")
        try fixture.write("full.yaml", pipeline(stages: "stages:\n  - kind: align\n"))
        #expect(fixture.problems("full.yaml", overrides: ["stages=[]"]).at("stages") != nil)
    }
}
