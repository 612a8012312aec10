import ConfigDecoding
import Foundation
import Testing

@testable import Pipeline

/// Every part of a pipeline is read by one `Decoder` (`ConfigNodeDecoder`): the same rules for
/// unknown keys, choices, lists and required keys hold at the root, in `models`, in `data`, in a
/// stage's header and in every stage's options, each problem at its own file:line:column.
@Suite("Config decoder")
struct ConfigDecoderTests {
    func problems(_ text: String) throws -> (problems: [ConfigProblem], text: String) {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        try fixture.write("p.yaml", text)
        return (fixture.problems("p.yaml"), text)
    }

    @Test func unknownKeysAreReportedAtEveryLevelWithTheKnownKeys() throws {
        let text = pipeline(
            stages: """
                models: {query: {name: q, retired: true}, index: {name: d}}
                stages:
                  - kind: align
                    colour: red
                  - kind: evaluate
                    options: {zzzzzzzz: 1}
                """, header: "seed: 1\nqqqqqqqq: 2")
        let (found, _) = try problems(text)
        let expected: [(String, String, String)] = [
            ("qqqqqqqq", "qqqqqqqq", "known keys: name, seed, output, models, data, stages"),
            ("models.query.retired", "retired", "known keys: name, dim"),
            ("stages[0].colour", "colour", "known keys: name, kind, after, options"),
            (
                "stages[1].options.zzzzzzzz", "zzzzzzzz",
                "known keys: maps, baselines, metrics, unseen, exclude_labeled, non_inferiority_margin, gate, significance, significance_trials, confidence, ignore_identical_ids, compare_to"
            ),
        ]
        #expect(found.map(\.keyPath) == expected.map(\.0))
        for (keyPath, key, known) in expected {
            let problem = try #require(found.at(keyPath))
            let at = position(of: key + ":", in: text)
            #expect(problem.location.line == at.line && problem.location.column == at.column, "\(keyPath)")
            #expect(problem.message == "unknown key \"\(key)\"; \(known)")
        }
    }

    @Test func aMissingRequiredDataKeyIsReportedAtItsMapping() throws {
        let text = """
            data:
              queries: {embeddings: data/queries.q.npy}
            stages:
              - kind: export
            """
        let (found, _) = try problems(text)
        let problem = try #require(found.at("data.queries"))
        #expect(problem.message == "missing required key \"ids\"")
        #expect(problem.location.line == 2 && problem.location.column == 12)
        #expect(found.filter { $0.keyPath.hasPrefix("data") }.count == 1, "\(found)")
    }

    @Test func aListOrMappingWhereAChoiceIsExpectedNamesTheChoices() throws {
        let text = pipeline(stages: "stages:\n  - kind: [align]\n  - kind: align\n    options: {family: {a: 1}}")
        let (found, _) = try problems(text)
        #expect(
            found.at("stages[0].kind")?.message
                == "expected one of align, adapt, evaluate, sweep, export, got a list")
        #expect(found.at("stages[1].options.family")?.message == "expected one of linear, orthogonal, got a mapping")
    }

    /// An optional choice (a setting whose default is unset) used to print a `DecodingError`.
    @Test func aWrongOptionalChoiceNamesTheChoicesAndTheNearest() throws {
        let text = pipeline(stages: "stages:\n  - kind: align\n  - kind: adapt\n    options: {objective: recurrent}")
        let (found, _) = try problems(text)
        let problem = try #require(found.at("stages[1].options.objective"))
        #expect(
            problem.message
                == "expected one of new-documents, recurring, balanced, got \"recurrent\"; did you mean \"recurring\"?")
        #expect(problem.location.line == position(of: "recurrent", in: text).line)
        #expect(problem.location.column == position(of: "recurrent", in: text).column)
    }

    /// Each bad element of a list is reported at the element; the good ones still count.
    @Test func everyBadListElementIsReportedAtItsPosition() throws {
        let text = pipeline(
            stages: """
                stages:
                  - kind: align
                  - kind: evaluate
                    options:
                      metrics: [ndcg@0, recall@10, foo@3, [x]]
                      compare_to: [align]
                """)
        let (found, _) = try problems(text)
        #expect(
            found.map(\.keyPath) == [
                "stages[1].options.metrics[0]", "stages[1].options.metrics[2]", "stages[1].options.metrics[3]",
                "stages[1].options.compare_to",
            ])
        #expect(found.at("stages[1].options.metrics[2]")?.location.column == position(of: "foo@3", in: text).column)
        #expect(found.at("stages[1].options.metrics[3]")?.message == "expected a string, got a list")
        #expect(found.at("stages[1].options.compare_to")?.message == "expected a string, got a list")
    }

    /// Integer types other than `Int` read as an `Int` that must fit them.
    @Test func aFixedWidthIntegerMustFitItsType() throws {
        let log = ProblemLog()
        func decoder(_ yaml: String) throws -> ConfigNodeDecoder {
            ConfigNodeDecoder(
                node: try ConfigNode.parse(yaml: yaml, file: "v.yaml", baseDirectory: "/"), path: "v", log: log)
        }
        #expect(try decoder("200").decodeLogged(UInt8.self) == 200)
        #expect(try decoder("[3, 4]").decodeLogged([UInt64].self) == [3, 4])
        #expect(log.problems.isEmpty)
        #expect(try decoder("300").decodeLogged(UInt8.self) == nil)
        #expect(try decoder("-1").decodeLogged(UInt64.self) == nil)
        #expect(try decoder("x").decodeLogged(Int32.self) == nil)
        #expect(
            log.problems.map(\.description) == [
                "v.yaml:1:1: v: expected an integer in range, got 300",
                "v.yaml:1:1: v: expected an integer in range, got -1",
                "v.yaml:1:1: v: expected an integer, got \"x\"",
            ])
    }
}
