import Alignment
import Foundation
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
                    """))
        let config = try fixture.load("defaults.yaml")
        guard case .align(let align) = config.stages[0].options, case .adapt(let adapt) = config.stages[1].options
        else {
            Issue.record("stage kinds were not decoded")
            return
        }
        #expect(align == AlignSettings())
        #expect(adapt.settings == AdaptSettings())
    }

    /// Run with ERA_UPDATE_DOCS=1 to rewrite the tables after changing a declaration.
    @Test func docsTablesAreGeneratedFromTheDeclarations() throws {
        let url = Self.root.appendingPathComponent("docs/pipelines.md")
        var docs = try String(contentsOf: url, encoding: .utf8)
        let original = docs
        for (kind, table) in [
            ("align", SettingsTable.markdown(AlignSettings.self)),
            ("adapt", SettingsTable.markdown(AdaptSettings.self)),
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
