import Foundation
import Testing

@testable import Pipeline

/// 1-based line and column where `needle` first starts in `text` (after `after`, if given).
func position(of needle: String, in text: String, after: String? = nil) -> (line: Int, column: Int) {
    let lines = text.components(separatedBy: "\n")
    var started = after == nil
    for (index, line) in lines.enumerated() {
        if !started, let after, line.contains(after) { started = true; if !line.contains(needle) { continue } }
        if started, let range = line.range(of: needle) {
            return (index + 1, line.distance(from: line.startIndex, to: range.lowerBound) + 1)
        }
    }
    return (0, 0)
}

/// A pipeline with the fixture's data and the given `stages:` text.
func pipeline(stages: String, header: String = "seed: 7") -> String {
    header + "\n" + PipelineFixture.dataSection + "\n" + stages + "\n"
}

@Suite("Config validation")
struct ConfigValidationTests {
    let standardStages = """
        stages:
          - kind: align
            options:
              epochs: 3
          - name: adapt
            kind: adapt
            options:
              budget: 2
          - kind: evaluate
          - kind: export
        """

    @Test func validPipelineResolvesDefaultsAndReferences() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        try fixture.write("good.yaml", pipeline(stages: standardStages))
        let config = try fixture.load("good.yaml")
        #expect(config.name == "good")
        #expect(config.seed == 7)
        #expect(config.stages.map(\.name) == ["align", "adapt", "evaluate", "export"])
        #expect(config.data.index?.embeddings?.path == fixture.url("data/corpus.d.npy").standardizedFileURL.path)
        guard case .align(let align) = config.stages[0].options,
            case .adapt(let adapt) = config.stages[1].options,
            case .evaluate(let evaluate) = config.stages[2].options,
            case .export(let export) = config.stages[3].options
        else {
            Issue.record("stage kinds were not decoded in order")
            return
        }
        #expect(align.epochs == 3)
        #expect(align.temperature == 0.05)
        #expect(adapt.from == "align" && adapt.budget == 2)
        #expect(evaluate.maps == ["align", "adapt"])
        #expect(evaluate.baselines == [.indexAsIs, .reEmbedded, .procrustes])
        #expect(export.stage == "adapt")
        #expect(config.stages[1].dependencies == ["align"])
        #expect(config.stages[2].dependencies == ["align", "adapt"])
    }

    @Test func unknownKeyIsReportedAtTheKeyWithTheNearestKnownKey() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        let text = pipeline(
            stages: """
                stages:
                  - kind: align
                    options:
                      epocs: 3
                """)
        try fixture.write("typo.yaml", text)
        let problems = fixture.problems("typo.yaml")
        let problem = try #require(problems.at("stages[0].options.epocs"))
        let expected = position(of: "epocs", in: text)
        #expect(problem.location == SourceLocation(file: "typo.yaml", line: expected.line, column: expected.column))
        #expect(problem.message.contains("unknown key \"epocs\""))
        #expect(problem.message.contains("did you mean \"epochs\"?"))
        #expect(problems.count == 1)
    }

    @Test func wrongTypeIsReportedAtTheValueWithItsKeyPath() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        let text = pipeline(
            stages: """
                stages:
                  - kind: align
                  - kind: adapt
                    options:
                      max_steps: ten
                      regularization: -1
                      negatives: hardest
                """)
        try fixture.write("Pipelines/types.yaml", text)
        let problems = fixture.problems("Pipelines/types.yaml")
        let epochs = try #require(problems.at("stages[1].options.max_steps"))
        let at = position(of: "ten", in: text)
        #expect(epochs.location.line == at.line && epochs.location.column == at.column)
        #expect(
            epochs.description
                == "Pipelines/types.yaml:\(at.line):\(at.column): stages[1].options.max_steps: expected an integer, got \"ten\""
        )
        let regularization = try #require(problems.at("stages[1].options.regularization"))
        #expect(regularization.message == "expected a number >= 0, got -1")
        let negatives = try #require(problems.at("stages[1].options.negatives"))
        #expect(negatives.message.contains("expected one of hard, random, in-batch"))
        #expect(negatives.message.contains("did you mean \"hard\"?"))
    }

    @Test func missingFilesAreResolvedAgainstThePipelineFile() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        // The pipeline lives in a subfolder; its data paths are relative to it, not to the current directory.
        let text = """
            data:
              index:
                embeddings: ../data/corpus.d.npy
                ids: ../data/corpus_ids.txt
              alignment:
                query_model: ../data/align.q.npy
                index_model: data/align.d.npy
            stages:
              - kind: align
            """
        try fixture.write("Pipelines/missing.yaml", text)
        let problems = fixture.problems("Pipelines/missing.yaml")
        #expect(problems.count == 1)
        let problem = try #require(problems.at("data.alignment.index_model"))
        let at = position(of: "data/align.d.npy", in: text)
        #expect(problem.location == SourceLocation(file: "Pipelines/missing.yaml", line: at.line, column: at.column))
        #expect(
            problem.message == "file not found: \(fixture.url("Pipelines/data/align.d.npy").standardizedFileURL.path)")
    }

    @Test func referenceToAStageThatDoesNotExist() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        let text = pipeline(
            stages: """
                stages:
                  - kind: align
                  - name: tune
                    kind: adapt
                    after: [algn]
                  - kind: export
                    options:
                      map: evaluate
                """)
        try fixture.write("refs.yaml", text)
        let problems = fixture.problems("refs.yaml")
        let after = try #require(problems.at("stages[1].after[0]"))
        let at = position(of: "algn", in: text)
        #expect(after.location.line == at.line && after.location.column == at.column)
        #expect(after.message == "no stage is named \"algn\"; did you mean \"align\"?")
        let map = try #require(problems.at("stages[2].options.map"))
        #expect(map.location.line == position(of: "map: evaluate", in: text).line)
        #expect(map.message.contains("no stage is named \"evaluate\""))
    }

    @Test func referenceToAStageOfTheWrongKind() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        try fixture.write(
            "kinds.yaml",
            pipeline(
                stages: """
                    stages:
                      - kind: align
                      - kind: evaluate
                      - kind: adapt
                        options:
                          from: evaluate
                    """))
        let problem = try #require(fixture.problems("kinds.yaml").at("stages[2].options.from"))
        #expect(problem.message == "stage \"evaluate\" is an evaluate stage; expected an align stage")
    }

    @Test func dependencyCycleIsReported() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        let text = pipeline(
            stages: """
                stages:
                  - name: first
                    kind: align
                    after: second
                  - name: second
                    kind: align
                    after: first
                """)
        try fixture.write("cycle.yaml", text)
        let problems = fixture.problems("cycle.yaml")
        #expect(problems.count == 2)
        #expect(problems.allSatisfy { $0.message.contains("cycle") })
        #expect(
            problems.map(\.location.line).sorted() == [
                position(of: "name: first", in: text).line,
                position(of: "name: second", in: text).line,
            ])
    }

    @Test func dimensionsThatDisagreeWithTheFiles() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        try fixture.writeNpy("data/align.d.npy", rows: 3, columns: 5)  // index model is 4-dimensional
        try fixture.write("data/query_ids.txt", "q0\nq1\nq2\n")  // 3 ids for 5 query rows
        try fixture.write(
            "configs/pair.yaml",
            """
            models:
              query: {name: big, dim: 6}
              index:
                name: small
                dim: 4
            """)
        let text = "include: configs/pair.yaml\n" + pipeline(stages: standardStages)
        try fixture.write("dims.yaml", text)
        let problems = fixture.problems("dims.yaml")
        let columns = try #require(problems.at("data.alignment.index_model"))
        #expect(columns.location.line == position(of: "index_model: data/align.d.npy", in: text).line)
        #expect(columns.message == "has 5 columns but models.index.dim is 4 (both are the index model's dimension)")
        let ids = try #require(problems.at("data.queries.ids"))
        #expect(ids.location.line == position(of: "ids: data/query_ids.txt", in: text).line)
        #expect(ids.message == "has 3 ids but data.queries.embeddings has 5 rows")
        #expect(problems.count == 2)
    }

    @Test func dimensionsAreComparedAcrossFilesWithoutDeclaredModels() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        try fixture.writeNpy("data/align.q.npy", rows: 3, columns: 8)
        try fixture.write("dims.yaml", pipeline(stages: standardStages))
        let problem = try #require(fixture.problems("dims.yaml").at("data.alignment.query_model"))
        #expect(
            problem.message == "has 8 columns but data.queries.embeddings is 6 (both are the query model's dimension)")
    }

    @Test func notAnNpyFileIsReported() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        try fixture.write("data/corpus.q.npy", "this is not numpy")
        try fixture.write("bad.yaml", pipeline(stages: standardStages))
        let problem = try #require(fixture.problems("bad.yaml").at("data.index.query_model_embeddings"))
        #expect(problem.message.contains("not a .npy file"))
    }

    @Test func everyProblemIsReportedAtOnceInFileOrder() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        try fixture.writeNpy("data/align.d.npy", rows: 3, columns: 3)
        let text = """
            seed: minus one
            colour: blue
            data:
              queries:
                embeddings: data/queries.q.npy
                ids: data/query_ids.txt
              index:
                embeddings: data/corpus.d.npy
                ids: data/nope.txt
              alignment:
                query_model: data/align.q.npy
                index_model: data/align.d.npy
              qrels:
                labeled: data/qrels.train.tsv
                evaluation: data/qrels.test.tsv
            stages:
              - kind: align
                options:
                  batch_size: 0
              - kind: adapt
                after: [aling]
                options:
                  dev_split: sideways
            """
        try fixture.write("many.yaml", text)
        let problems = fixture.problems("many.yaml")
        let expected: [(String, String)] = [
            ("seed", "minus one"),
            ("colour", "colour"),
            ("data.index.ids", "data/nope.txt"),
            ("data.alignment.index_model", "data/align.d.npy"),
            ("stages[0].options.batch_size", "0"),
            ("stages[1].after[0]", "aling"),
            ("stages[1].options.dev_split", "sideways"),
        ]
        #expect(problems.map(\.keyPath) == expected.map(\.0))
        for (keyPath, needle) in expected {
            let problem = try #require(problems.at(keyPath))
            let at = position(
                of: needle, in: text, after: keyPath == "stages[0].options.batch_size" ? "batch_size" : nil)
            #expect(problem.location.line == at.line, "\(keyPath)")
            #expect(problem.location.column == at.column, "\(keyPath)")
        }
    }

    @Test func stageKindsNeedTheirData() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        let text = """
            data:
              index: {embeddings: data/corpus.d.npy, ids: data/corpus_ids.txt}
            stages:
              - kind: align
            """
        try fixture.write("nodata.yaml", text)
        let problem = try #require(fixture.problems("nodata.yaml").at("stages[0]"))
        #expect(problem.message == "an align stage needs data.alignment, which the pipeline does not set")
        #expect(problem.location.line == 4)
    }

    @Test func invalidYAMLIsReportedWithItsPosition() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        try fixture.write("broken.yaml", "seed: 1\nstages: [align\n")
        let problems = fixture.problems("broken.yaml")
        #expect(problems.count == 1)
        #expect(problems.first?.location.file == "broken.yaml")
        #expect((problems.first?.location.line ?? 0) >= 2)
        #expect(problems.first?.message.hasPrefix("invalid YAML") == true)
    }
}
