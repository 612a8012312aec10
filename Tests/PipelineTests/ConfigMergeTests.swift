import Foundation
import Testing

@testable import Pipeline

@Suite("include, extends and --set")
struct ConfigMergeTests {
    /// A base pipeline, a model-pair fragment and an adapt preset, as configs/ holds them.
    func writeConfigs(_ fixture: PipelineFixture) throws {
        try fixture.write(
            "configs/base.yaml",
            """
            seed: 1
            models:
              index: {name: base-index, dim: 99}
            \(PipelineFixture.dataSection.replacingOccurrences(of: "data/", with: "../data/").replacingOccurrences(of: "../data:", with: "data:"))
            stages:
              - kind: align
              - kind: adapt
                extends: presets/adapt.yaml
                options:
                  max_steps: 5
            """)
        try fixture.write(
            "configs/models/pair.yaml",
            """
            models:
              query: {name: big, dim: 6}
              index: {name: small, dim: 4}
            """)
        try fixture.write(
            "configs/presets/adapt.yaml",
            """
            options:
              max_steps: 50
              temperature: 0.1
            """)
    }

    @Test func precedenceIsExtendsThenIncludesThenTheFileThenOverrides() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        try writeConfigs(fixture)
        try fixture.write(
            "Pipelines/run.yaml",
            """
            extends: ../configs/base.yaml
            include: [../configs/models/pair.yaml]
            seed: 3
            """)
        let config = try fixture.load("Pipelines/run.yaml")
        #expect(config.seed == 3)  // the file beats its parent
        #expect(config.models.index.dim == 4)  // an include beats the parent
        #expect(config.models.index.name == "small")
        #expect(config.models.query.name == "big")
        #expect(config.name == "run")
        guard case .adapt(let adapt) = config.stages[1].options else {
            Issue.record("second stage is not adapt")
            return
        }
        #expect(adapt.maxSteps == 5)  // the stage beats its preset
        #expect(adapt.temperature == 0.1)  // the preset beats the defaults
        // Data paths written in configs/base.yaml are relative to that file.
        #expect(config.data.index?.ids?.path == fixture.url("data/corpus_ids.txt").standardizedFileURL.path)

        let overridden = try fixture.load(
            "Pipelines/run.yaml",
            overrides: [
                "seed=11", "stages.adapt.options.max_steps=7", "stages[0].options.samples=200", "models.index.dim=4",
            ])
        #expect(overridden.seed == 11)
        guard case .adapt(let adapted) = overridden.stages[1].options,
            case .align(let aligned) = overridden.stages[0].options
        else {
            Issue.record("stage kinds changed")
            return
        }
        #expect(adapted.maxSteps == 7)
        #expect(aligned.samples == 200)
    }

    @Test func problemsInAnIncludedFilePointToThatFile() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        try writeConfigs(fixture)
        let fragment = """
            models:
              query: {name: big, dimension: 6}
            """
        try fixture.write("configs/models/pair.yaml", fragment)
        try fixture.write("configs/presets/adapt.yaml", "options:\n  tempreature: 0.1\n")
        try fixture.write("Pipelines/run.yaml", "extends: ../configs/base.yaml\ninclude: ../configs/models/pair.yaml\n")
        let problems = fixture.problems("Pipelines/run.yaml")
        let key = try #require(problems.at("models.query.dimension"))
        #expect(key.location == SourceLocation(file: "configs/models/pair.yaml", line: 2, column: 22))
        #expect(key.message == "unknown key \"dimension\"; did you mean \"dim\"?")
        let preset = try #require(problems.at("stages[1].options.tempreature"))
        #expect(preset.location == SourceLocation(file: "configs/presets/adapt.yaml", line: 2, column: 3))
        #expect(preset.message.contains("did you mean \"temperature\"?"))
    }

    @Test func missingAndCyclicIncludesAreReportedWhereTheyAreNamed() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        try fixture.write("a.yaml", "extends: b.yaml\nstages: []\n")
        try fixture.write("b.yaml", "extends: a.yaml\n")
        let cyclic = fixture.problems("a.yaml")
        let cycle = try #require(cyclic.at("extends"))
        #expect(cycle.location == SourceLocation(file: "b.yaml", line: 1, column: 10))
        #expect(cycle.message == "include cycle: a.yaml -> b.yaml -> a.yaml")

        try fixture.write("c.yaml", "seed: 1\ninclude:\n  - configs/none.yaml\nstages: []\n")
        let missing = try #require(fixture.problems("c.yaml").at("include[0]"))
        #expect(missing.location == SourceLocation(file: "c.yaml", line: 3, column: 5))
        #expect(missing.message == "file not found: configs/none.yaml")
    }

    @Test func overrideProblemsNameTheOverride() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        try writeConfigs(fixture)
        try fixture.write("Pipelines/run.yaml", "extends: ../configs/base.yaml\n")
        let problems = fixture.problems(
            "Pipelines/run.yaml",
            overrides: [
                "stages[0].options.epochs=ten",
                "stages.adapt.options.bugdet=3",
                "stages[5].kind=align",
                "stages.tune.options.epochs=1",
                "data.index.ids=data/missing.txt",
            ])
        let type = try #require(problems.at("stages[0].options.epochs"))
        #expect(
            type.description
                == "--set stages[0].options.epochs=ten: stages[0].options.epochs: expected an integer, got \"ten\"")
        let unknown = try #require(problems.at("stages[1].options.bugdet"))
        #expect(unknown.location.file == "--set stages.adapt.options.bugdet=3")
        #expect(unknown.message.contains("did you mean \"budget\"?"))
        let index = try #require(problems.at("stages[5]"))
        #expect(index.message == "index 5 is past the end of stages (2 elements)")
        let name = try #require(problems.at("stages.tune"))
        #expect(name.message == "no element of stages is named \"tune\"")
        // A path given on the command line is relative to the current directory.
        let file = try #require(problems.at("data.index.ids"))
        #expect(file.location.file == "--set data.index.ids=data/missing.txt")
        #expect(file.message == "file not found: \(fixture.url("data/missing.txt").standardizedFileURL.path)")
        // Model dimension 99 from the base also disagrees with the three index-model files.
        let dimensions = problems.filter { $0.message.contains("but models.index.dim is 99") }
        #expect(dimensions.count == 3 && dimensions.allSatisfy { $0.location.file == "configs/base.yaml" })
        #expect(problems.count == 8)
        // Overrides are listed after the files' own problems.
        #expect(problems.prefix(3).allSatisfy { $0.location.file == "configs/base.yaml" })
        #expect(problems.suffix(5).allSatisfy { $0.location.file.hasPrefix("--set ") })
    }

    @Test func overrideValuesAreParsedAsYAML() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        try fixture.write(
            "p.yaml",
            pipeline(stages: "stages:\n  - kind: align\n  - kind: evaluate\n  - kind: adapt\n  - kind: sweep\n"))
        let config = try fixture.load(
            "p.yaml",
            overrides: [
                "stages.sweep.options.budgets=[1, 2]", "stages.evaluate.options.unseen=false",
                "stages.align.options.temperature=0.5", "name=renamed", "stages.evaluate.options.maps=align",
            ])
        #expect(config.name == "renamed")
        guard case .sweep(let sweep) = config.stages[3].options,
            case .evaluate(let evaluate) = config.stages[1].options,
            case .align(let align) = config.stages[0].options
        else {
            Issue.record("stage kinds changed")
            return
        }
        #expect(sweep.budgets == [1, 2])
        #expect(evaluate.unseen == false)
        #expect(evaluate.maps == ["align"])
        #expect(align.temperature == 0.5)
        #expect(throws: ConfigError.self) { try ConfigOverride(parsing: "no-equals-sign", source: "--set") }
    }
}
