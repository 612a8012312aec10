import Alignment
import Foundation
import Reports
import Testing
import Workflows

@testable import Pipeline

/// The pipeline reads the same declarations: options left out are the library's defaults, and
/// docs/pipelines.md's key tables are generated from the declarations (they cannot drift).
@Suite struct SettingsDocsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func emptyOptionsGiveTheLibraryDefaults() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        try fixture.write(
            "defaults.yaml",
            pipeline(
                stages: """
                    stages:
                      - kind: align
                      - kind: adapt
                      - kind: evaluate
                      - kind: export
                    """))
        let config = try fixture.load("defaults.yaml")
        guard case .align(let align) = config.stages[0].options, case .adapt(let adapt) = config.stages[1].options,
            case .evaluate(let evaluate) = config.stages[2].options, case .export(let export) = config.stages[3].options
        else {
            Issue.record("stage kinds were not decoded")
            return
        }
        #expect(align == AlignSettings())
        #expect(adapt.settings == AdaptSettings())
        #expect(evaluate.settings == EvaluateSettings())
        #expect(export.settings == ExportSettings())
    }

    /// Every declared evaluate and export setting is read from its key into its setting; the test
    /// fails when a declaration is added that the pipeline does not read.
    @Test func everyDeclaredEvaluateAndExportKeyIsRead() throws {
        let evaluateKeys: KeyValuePairs = [
            "metrics": "[Precision@5, ndcg@20]", "unseen": "false", "exclude_labeled": "true",
            "non_inferiority_margin": "0.03", "gate": "true", "significance": "false",
            "significance_trials": "500", "confidence": "0.9", "ignore_identical_ids": "true",
        ]
        let exportKeys: KeyValuePairs = ["formats": "[npy, sentence-transformers]", "file": "mapped"]
        #expect(evaluateKeys.map(\.key) == EvaluateSettings.settings.map(\.key))
        #expect(exportKeys.map(\.key) == ExportSettings.settings.map(\.key))
        func options(_ pairs: KeyValuePairs<String, String>) -> String {
            "{" + pairs.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        }
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        try fixture.write(
            "every.yaml",
            pipeline(
                stages: """
                    stages:
                      - kind: align
                      - kind: evaluate
                        options: \(options(evaluateKeys))
                      - kind: export
                        options: \(options(exportKeys))
                    """))
        let config = try fixture.load("every.yaml")
        guard case .evaluate(let evaluate) = config.stages[1].options,
            case .export(let export) = config.stages[2].options
        else {
            Issue.record("stage kinds were not decoded")
            return
        }
        var expected = EvaluateSettings()
        expected.metrics = ["p@5", "ndcg@20"]
        expected.unseen = false
        expected.excludeLabeled = true
        expected.verdict.margin = 0.03
        expected.verdict.gate = true
        expected.significance = false
        expected.significanceTrials = 500
        expected.confidence = 0.9
        expected.ignoreIdenticalIds = true
        #expect(evaluate.settings == expected)
        #expect(export.formats == [.npy, .sentenceTransformers] && export.file == "mapped")
    }

    /// Out-of-range values are reported at their key with the declared expectation.
    @Test func outOfRangeEvaluateAndExportKeysNameTheKey() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        try fixture.write(
            "bad.yaml",
            pipeline(
                stages: """
                    stages:
                      - kind: align
                      - kind: evaluate
                        options: {confidence: 1.5, significance_trials: 10, metrics: [ndcg@0, ndcg@10]}
                      - kind: export
                        options: {file: ../x}
                    """))
        let problems = fixture.problems("bad.yaml")
        #expect(problems.at("stages[1].options.confidence")?.message == "expected a number in (0, 1), got 1.5")
        #expect(
            problems.at("stages[1].options.significance_trials")?.message
                == "expected an integer >= 100 and at most 1000000 (10000 is plenty for p-values near 0.05), got 10")
        #expect(
            problems.at("stages[1].options.metrics[0]")?.message
                == "expected \(EvaluateSettings.metricExpectation), got \"ndcg@0\"")
        #expect(
            problems.at("stages[2].options.file")?.message == "expected a plain file name (no directory), got \"../x\"")
        #expect(problems.count == 4, "\(problems)")
    }

    /// Run with ERA_UPDATE_DOCS=1 to rewrite the tables after changing a declaration.
    @Test func docsTablesAreGeneratedFromTheDeclarations() throws {
        let url = Self.root.appendingPathComponent("docs/pipelines.md")
        var docs = try String(contentsOf: url, encoding: .utf8)
        let original = docs
        for (kind, table) in [
            ("align", SettingsTable.markdown(AlignSettings.self)),
            ("adapt", SettingsTable.markdown(AdaptSettings.self)),
            ("evaluate", SettingsTable.markdown(EvaluateSettings.self)),
            ("export", SettingsTable.markdown(ExportSettings.self)),
            ("sweep", SettingsTable.markdown(SweepSettings.self)),
        ] {
            let begin = "<!-- settings:\(kind) (generated from the declarations; see SettingsDocsTests) -->\n"
            let end = "<!-- /settings:\(kind) -->"
            let start = try #require(docs.range(of: begin), "docs/pipelines.md has no \(begin)")
            let stop = try #require(docs.range(of: end, range: start.upperBound..<docs.endIndex))
            let written = String(docs[start.upperBound..<stop.lowerBound])
            if ProcessInfo.processInfo.environment["ERA_UPDATE_DOCS"] == "1" {
                docs.replaceSubrange(start.upperBound..<stop.lowerBound, with: table)
            } else {
                #expect(
                    written == table,
                    "docs/pipelines.md's \(kind) table differs from the declarations; run the tests with ERA_UPDATE_DOCS=1"
                )
            }
        }
        if docs != original { try docs.write(to: url, atomically: true, encoding: .utf8) }
    }
}
