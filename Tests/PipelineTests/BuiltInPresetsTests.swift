import Foundation
import Testing
import _TestSupport

@testable import Pipeline

/// The presets compiled into era (`extends: preset:NAME`) are configs/presets/*.yaml, byte for byte,
/// and a pipeline that names them loads from any folder.
@Suite("built-in presets")
struct BuiltInPresetsTests {
    static let presets = SharedData.packageRoot.appendingPathComponent("configs/presets")

    @Test func everyPresetFileIsBuiltInWithTheSameText() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.presets.path)
            .filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(!files.isEmpty)
        #expect(
            BuiltInPresets.names == files.map { String($0.dropLast(5)) },
            "configs/presets and the built-in presets differ: run .ci/generate-presets")
        for file in files {
            let text = try String(contentsOf: Self.presets.appendingPathComponent(file), encoding: .utf8)
            #expect(
                BuiltInPresets.text(named: file) == text,
                "configs/presets/\(file) differs from its built-in copy: run .ci/generate-presets")
        }
    }

    @Test func aStageNamesABuiltInPresetFromAnyFolder() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        try fixture.write(
            "p.yaml",
            PipelineFixture.dataSection + """

                stages:
                  - name: align
                    extends: preset:align-procrustes
                  - name: rotation
                    extends: preset:adapt-rotation
                    options: {budget: 2}
                """)
        let config = try fixture.load("p.yaml")
        guard case .align(let align) = config.stages[0].options, case .adapt(let adapt) = config.stages[1].options
        else {
            Issue.record("the presets gave other kinds: \(config.stages.map(\.kind))")
            return
        }
        #expect(align.epochs == 0 && align.heldOutFraction == 0)
        // adapt-rotation extends adapt-default, itself built in.
        #expect(adapt.map == .rotation && adapt.maxSteps == 1000 && adapt.budget == 2)
    }

    @Test func anUnknownPresetAndAMissingPresetFileSayWhatToWrite() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        try fixture.write(
            "p.yaml",
            PipelineFixture.dataSection + """

                stages:
                  - name: align
                    extends: preset:align-fast
                  - name: other
                    extends: ../configs/presets/align-default.yaml
                """)
        let error = try #require(throws: ConfigError.self) { try fixture.load("p.yaml") }
        let text = error.description
        #expect(text.contains("no built-in preset \"align-fast\"") && text.contains("preset:align-default"))
        #expect(text.contains("stages[1].extends: preset:align-default"), "\(text)")
    }
}

@Suite("stage command lines")
struct StageCommandLineTests {
    @Test func theQuickstartStagesHaveTheirCommandLines() throws {
        let config = try PipelineConfig.load(
            path: SharedData.packageRoot.appendingPathComponent("Pipelines/quickstart.yaml").path)
        let align = try #require(
            StageCommandLine.line(for: config.stages[0], config: config, seed: 42, stageOneAdapter: nil, out: "a.st"))
        #expect(align.hasPrefix("era align --source ") && align.hasSuffix("--seed 42 --out a.st"), "\(align)")
        let adapt = try #require(
            StageCommandLine.line(
                for: config.stages[1], config: config, seed: 7, stageOneAdapter: URL(fileURLWithPath: "/r/a.st"),
                out: "b.st"))
        #expect(adapt.hasPrefix("era adapt --adapter /r/a.st ") && adapt.contains("--index-queries "), "\(adapt)")
    }

    @Test func flagsListOnlyWhatDiffersFromTheCommandsDefaults() {
        var settings = AlignOptions()
        settings.epochs = 2
        settings.symmetric = !AlignOptions().symmetric
        let words = StageCommandLine.flags(settings, default: AlignOptions())
        #expect(words.contains("--epochs") && words.contains("2"))
        #expect(words.contains(AlignOptions().symmetric ? "--no-symmetric" : "--symmetric"))
        #expect(words.count == 3)
        #expect(StageCommandLine.quoted("a b") == "'a b'" && StageCommandLine.quoted("x.npy") == "x.npy")
    }
}
