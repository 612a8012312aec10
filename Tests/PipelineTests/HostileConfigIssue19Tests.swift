import Alignment
import ConfigDecoding
import Foundation
import Testing
import Workflows

@testable import Pipeline

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Issue 19 item 7: what a hostile-input run still found in pipeline files (two crashes, two
/// silently wrong runs, unclear messages), each refused by `--check` with a message that says what
/// is wrong; item 6: a web address as a data path gets the Chroma hint.
@Suite("Hostile configs, issue 19")
struct HostileConfigIssue19Tests {
    func problems(_ fixture: PipelineFixture, stages: String, name: String = "p.yaml") throws -> [ConfigProblem] {
        try fixture.write(name, pipeline(stages: stages))
        return fixture.problems(name)
    }

    func first(_ problems: [ConfigProblem], containing text: String) -> ConfigProblem? {
        problems.first { $0.message.contains(text) }
    }

    /// `folds: 100000` grew to 11.5 GB (one training run per fold, capped only at the labeled queries).
    @Test func foldsAboveTheDeclaredLimitAreRefused() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        let found = try problems(
            fixture, stages: "stages:\n  - kind: align\n  - kind: adapt\n    options: {folds: 100000}")
        let problem = first(found, containing: "from 0 to \(AdaptSettings.maxFolds)")
        #expect(problem?.keyPath.hasSuffix("options.folds") == true, "\(found)")
        #expect(problem?.message.contains("100000") == true)
    }

    /// A 100 KB value in a message is cut to its first 60 characters and its length (it was echoed whole).
    @Test func aLongValueIsShortenedInItsMessage() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        let long = String(repeating: "x", count: 100_000)
        let found = try problems(
            fixture, stages: "stages:\n  - kind: align\n  - kind: adapt\n    options: {objective: \(long)}")
        let problem = first(found, containing: "expected one of new-documents")
        #expect(problem?.keyPath.hasSuffix("options.objective") == true, "\(found.map(\.message))")
        #expect(problem?.message.contains("(100000 characters)") == true)
        #expect((problem?.message.count ?? .max) < 400, "\(problem?.message.count ?? 0) characters")
    }

    /// A tab in the indentation is named as such (libyaml says "cannot start any token").
    @Test func aTabIndentIsNamed() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        let found = try problems(fixture, stages: "stages:\n  - kind: align\n\t- kind: evaluate")
        #expect(
            found.contains { $0.message.contains("is indented with a tab: YAML indents with spaces") },
            "\(found.map(\.message))")
    }

    /// Within the limit but above the labeled queries (2 in the fixture): named with the file.
    @Test func foldsAboveTheLabeledQueriesAreRefused() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        let found = try problems(fixture, stages: "stages:\n  - kind: align\n  - kind: adapt\n    options: {folds: 3}")
        let problem = first(found, containing: "more than the 2 labeled queries")
        #expect(problem?.keyPath == "stages.adapt.options.folds", "\(found)")
        #expect(problem?.message.contains("qrels.train.tsv") == true)
        let fine = try problems(
            fixture, stages: "stages:\n  - kind: align\n  - kind: adapt\n    options: {folds: 2}", name: "ok.yaml")
        #expect(fine.isEmpty, "\(fine)")
    }

    /// `rank: 0`, `-4` and `100000` passed `--check` when the map was linear (the rank was dropped unseen).
    @Test(arguments: [
        ("{map: linear, rank: 0}", "expected an integer >= 1"),
        ("{map: linear, rank: -4}", "expected an integer >= 1"),
        ("{map: linear, rank: 100000}", "rank applies to map: low-rank only"),
        ("{map: rotation, rank: 8}", "rank applies to map: low-rank only"),
        ("{map: low-rank, rank: 0}", "expected an integer >= 1"),
        ("{rank: 0}", "expected an integer >= 1"),
    ])
    func rankIsValidatedWhateverTheMap(options: String, message: String) throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        let text = "stages:\n  - kind: align\n  - kind: adapt\n    options: \(options)"
        let found = try problems(fixture, stages: text)
        let problem = first(found, containing: message)
        #expect(problem?.keyPath.hasSuffix("options.rank") == true, "\(found)")
        #expect(problem?.location.line == position(of: "rank:", in: pipeline(stages: text)).line)
        #expect(found.count == 1, "one problem, not two: \(found)")
    }

    /// `samples: 2` trained stage one from one pair and validated it on one, exit 0.
    @Test func aSampleBelowTheMinimumIsRefused() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        let found = try problems(fixture, stages: "stages:\n  - kind: align\n    options: {samples: 2}")
        let problem = first(found, containing: "an integer >= \(AlignSettings.minSamples)")
        #expect(problem?.keyPath.hasSuffix("options.samples") == true, "\(found)")
    }

    /// `num_negatives: 100000` was blamed on hard_pool.
    @Test func tooManyNegativesNameNumNegatives() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        let found = try problems(
            fixture, stages: "stages:\n  - kind: align\n  - kind: adapt\n    options: {num_negatives: 100000}")
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.keyPath.hasSuffix("options.num_negatives") == true, "\(found)")
        #expect(found.first?.message.contains("lower num_negatives") == true)
    }

    /// A 5 GB config was read whole (14.7 GB of memory) before its first problem was reported.
    @Test func aConfigAboveTheSizeLimitIsRefusedBeforeItIsRead() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        let path = try fixture.write("huge.yaml", "a: [")
        // Sparse: five gigabytes on paper, a few bytes on disk.
        #expect(truncate(path, 5 << 30) == 0)
        let start = ContinuousClock.now
        let found = fixture.problems("huge.yaml")
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.message.contains("limited to 16 MiB") == true, "\(found)")
        #expect(found.first?.message.contains("\(5 << 30) bytes") == true)

        // Just below the limit is read (and judged as YAML).
        let below = try fixture.write("below.yaml", "name: x\n")
        #expect(truncate(below, off_t(ConfigFile.maxBytes)) == 0)
        #expect(!fixture.problems("below.yaml").contains { $0.message.contains("MiB") })
    }

    /// `include:` of a folder, a device or a FIFO said "file not found" (and a FIFO could hang).
    @Test func includeOfAFolderDeviceOrFIFOSaysWhatItIs() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        try FileManager.default.createDirectory(at: fixture.url("folder"), withIntermediateDirectories: true)
        #expect(mkfifo(fixture.url("fifo").path, 0o600) == 0)
        for (target, words) in [
            ("folder", "is a folder"), ("/dev/zero", "is a character device"), ("fifo", "is a FIFO"),
        ] {
            let text = "include: \(target)\n" + pipeline(stages: "stages:\n  - kind: align")
            try fixture.write("inc.yaml", text)
            let start = ContinuousClock.now
            let found = fixture.problems("inc.yaml")
            #expect(ContinuousClock.now - start < .seconds(5))
            let problem = first(found, containing: words)
            #expect(problem != nil, "\(target): \(found)")
            #expect(problem?.keyPath == "include" && problem?.location.line == 1)
            #expect(!found.contains { $0.message.contains("file not found") })
        }
    }

    /// Deep nesting without a single alias was blamed on aliases.
    @Test func deepNestingWithoutAliasesIsNotBlamedOnAliases() {
        for depth in [YAMLBudget.maxDepthDefault - 1, YAMLBudget.maxDepthDefault, 500] {
            let text = "a: " + String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth) + "\n"
            do {
                _ = try ConfigNode.parse(yaml: text, file: "deep.yaml", baseDirectory: "/")
                Issue.record("\(depth) levels were accepted")
            } catch {
                let message = error.problems.first?.message ?? ""
                #expect(message.contains("levels deep"), "\(message)")
                #expect(!message.contains("alias"), "depth \(depth): \(message)")
            }
        }
    }

    /// `http://HOST:PORT/collection` as a data path read as a missing file, with no hint.
    @Test func aWebAddressAsADataPathGetsTheChromaHint() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        let text = pipeline(stages: "stages:\n  - kind: align").replacingOccurrences(
            of: "embeddings: data/corpus.d.npy", with: "embeddings: http://localhost:8000/scifact")
        try fixture.write("url.yaml", text)
        let problem = fixture.problems("url.yaml").at("data.index.embeddings")
        #expect(
            problem?.message.contains("data.index.chroma: {url: http://HOST:PORT, collection: NAME}") == true,
            "\(String(describing: problem))")
    }
}

extension HostileConfigIssue19Tests {
    /// Labels that give no usable query (here: every grade 0) named neither the key nor the file.
    @Test func adaptWithoutUsableLabelsNamesTheQrelsKeyAndFile() throws {
        let planted = try PlantedData()
        defer { planted.fixture.remove() }
        try planted.fixture.write(
            "data/qrels.train.tsv", "query-id\tcorpus-id\tscore\n" + (0..<20).map { "q\($0)\td\($0)\t0\n" }.joined())
        try planted.fixture.write(
            "nolabels.yaml",
            pipeline(
                stages: """
                    stages:
                      - kind: align
                        options: {epochs: 0}
                      - kind: adapt
                        options: {max_steps: 5, hard_pool: 20}
                    """))
        let config = try planted.fixture.load("nolabels.yaml")
        do {
            _ = try PipelineRunner(config: config, registry: .builtIn, currentDirectory: planted.fixture.root.path)
                .run()
            Issue.record("adapt ran without a usable label")
        } catch {
            let message = "\(error)"
            #expect(message.contains("labeled training queries"), "\(message)")
            #expect(
                message.contains("data.qrels.labeled (\(planted.fixture.url("data/qrels.train.tsv").path))"),
                "\(message)")
        }
    }
}
