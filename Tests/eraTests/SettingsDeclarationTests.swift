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
