import Alignment
import ArgumentParser
import Settings
import Testing
import Workflows

@testable import era

/// Every setting has one source of truth: the library's declaration. These tests parse flags only
/// (no binary is launched) and compare with the library's own defaults.
@Suite struct SettingsDeclarationTests {
    @Test func alignFlagsLeftOutGiveTheLibraryDefaults() throws {
        let parsed = try AlignTrainingOptions.parse([])
        #expect(try parsed.settings() == AlignSettings())
    }

    @Test func adaptFlagsLeftOutGiveTheLibraryDefaults() throws {
        let parsed = try AdaptTrainingOptions.parse([])
        #expect(try parsed.settings() == AdaptSettings())
        let command = try AdaptCommand.parse([
            "--adapter", "a", "--queries", "q", "--query-ids", "i", "--corpus", "c",
            "--corpus-ids", "d", "--qrels", "r", "--out", "o",
        ])
        #expect(try command.training.settings(extra: command) == AdaptSettings())
    }

    /// Each declared setting has exactly one flag, named as declared, and no flag is undeclared.
    @Test func everyDeclaredSettingHasItsFlag() throws {
        let alignFlags = Set(
            Mirror(reflecting: try AlignTrainingOptions.parse([])).children.compactMap { $0.label }
                .map { kebabCase(String($0.dropFirst())) })
        #expect(alignFlags == Set(AlignSettings.settings.map(\.flag)))
        let adapt = try AdaptCommand.parse([
            "--adapter", "a", "--queries", "q", "--query-ids", "i", "--corpus", "c",
            "--corpus-ids", "d", "--qrels", "r", "--out", "o",
        ])
        let adaptFlags = Set(
            Mirror(reflecting: adapt.training).children.compactMap { $0.label }
                .map { kebabCase(String($0.dropFirst())) }
        ).union(["budget"])
        #expect(adaptFlags.subtracting(["constraint"]) == Set(AdaptSettings.settings.map(\.flag)))
    }

    /// A flag given reaches exactly its setting, through the declaration.
    @Test func eachFlagSetsItsSetting() throws {
        let align = try AlignTrainingOptions.parse([
            "--temperature", "0.2", "--held-out", "0.3", "--no-shuffle", "--sample", "700",
            "--warm-start", "identity", "--weight-decay", "0.5",
        ]).settings()
        var expected = AlignSettings()
        expected.training.temperature = 0.2
        expected.training.heldOutFraction = 0.3
        expected.training.shuffle = false
        expected.training.warmStart = .identity
        expected.samples = 700
        expected.weightDecay = 0.5
        #expect(align == expected)
        let adapt = try AdaptTrainingOptions.parse([
            "--negatives", "random,in-batch", "--num-negatives", "3", "--steps", "9",
            "--penalty", "0.5", "--map", "rotation",
        ]).settings()
        #expect(adapt.negatives.random == 3 && adapt.negatives.hard == 0 && adapt.negatives.inBatch)
        #expect(adapt.maxSteps == 9 && adapt.penalty == 0.5 && adapt.family == .rotation)
    }

    /// Out-of-range values are refused with the flag and the declared expectation.
    @Test func outOfRangeFlagsNameTheFlag() throws {
        #expect(throws: CommandError.self) { try AlignTrainingOptions.parse(["--temperature=-1"]).settings() }
        do {
            _ = try AdaptTrainingOptions.parse(["--num-negatives", "0"]).settings()
            Issue.record("--num-negatives 0 was accepted")
        } catch let error as CommandError {
            #expect(error.message == "--num-negatives: expected an integer >= 1, got 0")
        }
    }
}

@Suite struct SweepSettingsDeclarationTests {
    static let required = [
        "--adapter", "a", "--queries", "q", "--query-ids", "i", "--corpus", "c", "--corpus-ids", "d",
        "--qrels", "r", "--eval-qrels", "e", "--out-dir", "o",
    ]

    @Test func sweepFlagsLeftOutGiveTheLibraryDefaults() throws {
        #expect(try SweepCommand.parse(Self.required).sweepSettings() == SweepSettings())
    }

    @Test func budgetsFlagSetsBudgetsAndIncludeAll() throws {
        let settings = try SweepCommand.parse(
            Self.required + ["--budgets", "20,5,20", "--seeds", "2", "--trials", "200"]
        ).sweepSettings()
        #expect(
            settings.budgets == [20, 5, 20] && !settings.includeAll && settings.repeats == 2
                && settings.significanceTrials == 200)
        #expect(settings.budgetList() == [5, 20])
        #expect(settings.budgetList(labeled: 10) == [5, 10])
    }
}

@Suite struct EvaluateExportSettingsDeclarationTests {
    static let evaluate = [
        "--queries", "q", "--query-ids", "i", "--corpus", "c", "--corpus-ids", "d", "--qrels", "r",
    ]

    /// The CLI's own vocabulary for these: `--k` gives every metric at its cutoffs, `--unseen-against`
    /// asks for the unseen subset, and the paired tests run for `--compare` and the verdict.
    static let evaluateSettingsWithoutFlag: Set = ["metrics", "unseen", "significance"]

    @Test func evaluateFlagsLeftOutGiveTheLibraryDefaults() throws {
        var expected = EvaluateSettings()
        expected.metrics =
            ["ndcg@10", "ndcg@100", "recall@10", "recall@100", "p@10", "p@100"]
            + ["mrr@10", "mrr@100", "map@10", "map@100"]
        let settings = try EvaluateCommand.parse(Self.evaluate).evaluateSettings()
        #expect(Set(settings.metrics) == Set(expected.metrics))
        expected.metrics = settings.metrics
        #expect(settings == expected)
    }

    /// Each declared setting has its flag, named as declared, except the three above.
    @Test func everyDeclaredEvaluateSettingHasItsFlag() throws {
        let command = try EvaluateCommand.parse(Self.evaluate)
        let flags = Set(
            Mirror(reflecting: command).children.compactMap { $0.label }.map { kebabCase(String($0.dropFirst())) })
        let declared = EvaluateSettings.settings.filter { !Self.evaluateSettingsWithoutFlag.contains($0.key) }
        #expect(Set(declared.map(\.flag)).isSubset(of: flags))
        #expect(
            EvaluateSettings.settings.filter { Self.evaluateSettingsWithoutFlag.contains($0.key) }.allSatisfy {
                !flags.contains($0.flag)
            })
    }

    @Test func eachEvaluateFlagSetsItsSetting() throws {
        let settings = try EvaluateCommand.parse(
            Self.evaluate + [
                "--k", "5", "--margin", "0.04", "--gate", "--significance-trials", "300", "--confidence", "0.8",
                "--exclude-labeled", "--ignore-identical-ids", "--retired-index-model",
            ]
        ).evaluateSettings()
        var expected = EvaluateSettings()
        expected.metrics = settings.metrics
        expected.verdict.margin = 0.04
        expected.verdict.gate = true
        expected.significanceTrials = 300
        expected.confidence = 0.8
        expected.excludeLabeled = true
        expected.ignoreIdenticalIds = true
        #expect(settings == expected)
        #expect(Set(settings.metrics) == ["ndcg@5", "recall@5", "p@5", "mrr@5", "map@5"])
    }

    @Test func outOfRangeEvaluateFlagsNameTheFlag() throws {
        for (arguments, message) in [
            (["--confidence", "1"], "--confidence: expected a number in (0, 1), got 1.0"),
            (
                ["--significance-trials", "5"],
                "--significance-trials: expected an integer >= 100 and at most 1000000 (10000 is plenty for p-values near 0.05), got 5"
            ),
            (["--margin", "2", "--retired-index-model"], "--margin: expected a number in [0, 1), got 2.0"),
        ] {
            do {
                _ = try EvaluateCommand.parse(Self.evaluate + arguments).evaluateSettings()
                Issue.record("\(arguments) was accepted")
            } catch let error as CommandError {
                #expect(error.message == message)
            }
        }
        // The margin is read only by the upgrade verdict, as before it was declared here.
        #expect(throws: Never.self) { try EvaluateCommand.parse(Self.evaluate + ["--margin", "2"]).evaluateSettings() }
    }

    @Test func exportFormatFlagSetsTheDeclaredFormats() throws {
        let required = ["--adapter", "a.safetensors", "--out", "o"]
        #expect(try ExportCommand.parse(required).exportSettings() == ExportSettings())
        var expected = ExportSettings()
        expected.formats = [.npy]
        #expect(try ExportCommand.parse(required + ["--format", "npy"]).exportSettings() == expected)
        // `file` is the pipeline's: `--out` names the command's output.
        let flags = Set(
            Mirror(reflecting: try ExportCommand.parse(required)).children.compactMap { $0.label }
                .map { kebabCase(String($0.dropFirst())) })
        #expect(flags.contains(ExportSettings.setting("formats").flag) && !flags.contains("file"))
    }
}
