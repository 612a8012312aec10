import Foundation
import Testing
import Workflows

@testable import Pipeline

/// Sweep budgets are compared with the labeled pool when the pipeline is checked.
@Suite("Sweep budgets against the labeled pool")
struct SweepBudgetCheckTests {
    /// Two queries with a positive judgment (q2's only judgment is 0, so it is no label).
    static func fixture(sweepOptions: String) throws -> PipelineFixture {
        let fixture = try PipelineFixture()
        try fixture.write(
            "data/qrels.train.tsv", "query-id\tcorpus-id\tscore\nq0\td0\t1\nq1\td1\t2\nq1\td2\t0\nq2\td2\t0\n")
        try fixture.write(
            "s.yaml",
            pipeline(
                stages: """
                    stages:
                      - kind: align
                      - kind: adapt
                      - kind: sweep
                        options: \(sweepOptions)
                    """))
        return fixture
    }

    @Test func budgetsAtOrAboveTheLabeledCountAreNotedOnce() throws {
        let fixture = try Self.fixture(sweepOptions: "{budgets: [4, 1, 2, 4]}")
        defer { fixture.remove() }
        let config = try fixture.load("s.yaml")
        let note = try #require(config.notes.only)
        #expect(note.keyPath == "stages[2].options.budgets")
        #expect(
            note.message.hasPrefix("budgets 2, 4 at or above the 2 labeled queries of data.qrels.labeled: trained once")
        )
        #expect(note.location.file.hasSuffix("s.yaml") && note.location.line > 0)
        // And the sweep trains them once, as the point of every labeled query.
        guard case .sweep(let options) = try #require(config.stage(named: "sweep")).options else {
            Issue.record("not a sweep"); return
        }
        #expect(options.settings.budgetList(labeled: 2) == [1, nil])
    }

    @Test func withoutTheAllPointOnlyBudgetsAboveThePoolAreNoted() throws {
        let fixture = try Self.fixture(sweepOptions: "{budgets: [1, 2, 3], include_all: false}")
        defer { fixture.remove() }
        let note = try #require(try fixture.load("s.yaml").notes.only)
        #expect(note.message.hasPrefix("budget 3 above the 2 labeled queries"))
    }

    @Test func budgetsBelowThePoolAreQuiet() throws {
        let fixture = try Self.fixture(sweepOptions: "{budgets: [1]}")
        defer { fixture.remove() }
        #expect(try fixture.load("s.yaml").notes.isEmpty)
        // Without file checks nothing is read, so nothing is noted.
        try fixture.write("data/qrels.train.tsv", "query-id\tcorpus-id\tscore\nq0\td0\t1\n")
        #expect(try fixture.load("s.yaml", checkFiles: false).notes.isEmpty)
    }

    @Test func anUnreadableLabeledPoolIsAProblem() throws {
        let fixture = try Self.fixture(sweepOptions: "{budgets: [1]}")
        defer { fixture.remove() }
        try fixture.write("data/qrels.train.tsv", "not a qrels file\n")
        #expect(fixture.problems("s.yaml").at("data.qrels.labeled") != nil)
    }
}

extension Array {
    /// The single element, nil when there are none or several.
    var only: Element? { count == 1 ? first : nil }
}
