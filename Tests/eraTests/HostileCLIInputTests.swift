import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra
import Testing
import Workflows
import _TestSupport

/// Issue 19 item 7 on the command line: settings that crashed or passed silently are refused with
/// one clear line, and the messages name what the user wrote. Item 6: a web address where a file
/// or a chroma:// location belongs gets the chroma:// hint.
@Suite struct HostileCLIInputTests {
    typealias Fixture = AdaptCommandTests.Fixture

    func expectRefusal(_ f: Fixture, _ extra: [String], mentioning words: [String], not: [String] = []) throws {
        let out = try EraProcess.run(f.arguments(extra))
        #expect(out.status != 0 && out.status < 128, "status \(out.status): \(out.stderr)")
        #expect(out.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }.count == 1, "\(out.stderr)")
        for word in words { #expect(out.stderr.contains(word), "\(word) missing from: \(out.stderr)") }
        for word in not { #expect(!out.stderr.contains(word), "\(word) in: \(out.stderr)") }
        #expect(!FileManager.default.fileExists(atPath: f.dir.path("stage2.safetensors")))
    }

    /// `--folds 100000` with `--index-queries` grew to 11.5 GB (one run per fold, capped only at the
    /// labeled queries) and aborted; the declared range refuses it before any data is read.
    @Test func foldsAboveTheLimitAreRefused() throws {
        let f = try Fixture(); defer { f.dir.cleanUp() }
        var g = SeededGenerator(seed: 2)
        try Npy.write(
            Matrix.randomNormal(rows: 80, columns: 6, using: &g), to: f.dir.url.appendingPathComponent("own.npy"))
        let start = ContinuousClock.now
        try expectRefusal(
            f, ["--folds", "100000", "--index-queries", f.dir.path("own.npy")],
            mentioning: ["--folds", "from 0 to \(AdaptSettings.maxFolds)", "100000"])
        #expect(ContinuousClock.now - start < .seconds(30))
    }

    /// `--map linear --rank 0` dropped the rank unseen; every written rank is checked, whatever the map.
    @Test(arguments: [
        (["--map", "linear", "--rank", "0"], "expected an integer >= 1, got 0"),
        (["--map", "linear", "--rank", "-4"], "expected an integer >= 1, got -4"),
        (["--map", "linear", "--rank", "100000"], "rank applies to --map low-rank only"),
        (["--rank", "0"], "expected an integer >= 1, got 0"),
    ])
    func rankIsValidatedWhateverTheMap(extra: [String], message: String) throws {
        let f = try Fixture(); defer { f.dir.cleanUp() }
        try expectRefusal(f, extra, mentioning: ["--rank", message])
    }

    /// `--num-negatives 100000` was blamed on hard_pool.
    @Test func tooManyNegativesNameNumNegatives() throws {
        let f = try Fixture(); defer { f.dir.cleanUp() }
        try expectRefusal(
            f, ["--num-negatives", "100000"], mentioning: ["num_negatives = 100000", "lower num_negatives"],
            not: ["invalid hard_pool"])
    }

    /// Labels that match no query named neither `--qrels` nor the file.
    @Test func noUsableLabelsNameTheQrelsFile() throws {
        let f = try Fixture(); defer { f.dir.cleanUp() }
        try f.dir.write("query-id\tcorpus-id\tscore\nunknown\td1\t1\nq1\tnowhere\t1\n", to: "stray.tsv")
        var args = f.arguments()
        args[args.firstIndex(of: f.dir.path("qrels.train.tsv"))!] = f.dir.path("stray.tsv")
        let out = try EraProcess.run(args)
        #expect(out.status != 0)
        #expect(out.stderr.contains("--qrels \(f.dir.path("stray.tsv"))"), "\(out.stderr)")
        #expect(out.stderr.contains("labeled training queries"), "\(out.stderr)")
    }

    /// A negative number after an option got "Missing value for '--seed'".
    @Test(arguments: [
        (["--seed", "-1"], "'-1' is invalid for '--seed"),
        (["--budget", "-5"], "--budget: expected an integer >= 1, got -5"),
        (["--learning-rate", "-0.5"], "--learning-rate"),
    ])
    func negativeNumbersReachTheirOption(extra: [String], message: String) throws {
        let f = try Fixture(); defer { f.dir.cleanUp() }
        try expectRefusal(f, extra, mentioning: [message], not: ["Missing value"])
    }

    /// `samples: 2` trained from one pair and validated on one, exit 0.
    @Test func aSampleBelowTheMinimumIsRefused() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanUp() }
        var g = SeededGenerator(seed: 4)
        try Npy.write(
            Matrix.randomNormal(rows: 200, columns: 5, using: &g), to: dir.url.appendingPathComponent("s.npy"))
        try Npy.write(
            Matrix.randomNormal(rows: 200, columns: 4, using: &g), to: dir.url.appendingPathComponent("t.npy"))
        try dir.write((0..<200).map { "a\($0)" }.joined(separator: "\n") + "\n", to: "ids.txt")
        let base = [
            "align", "--source", dir.path("s.npy"), "--source-ids", dir.path("ids.txt"), "--target", dir.path("t.npy"),
            "--target-ids", dir.path("ids.txt"), "--out", dir.path("a.safetensors"), "--epochs", "1",
        ]
        let refused = try EraProcess.run(base + ["--sample", "2"])
        #expect(refused.status != 0, "\(refused.stderr)")
        #expect(refused.stderr.contains("--sample") && refused.stderr.contains(">= \(AlignSettings.minSamples)"))
        #expect(!FileManager.default.fileExists(atPath: dir.path("a.safetensors")))
        let accepted = try EraProcess.run(base + ["--sample", "\(AlignSettings.minSamples)"])
        #expect(accepted.status == 0, "\(accepted.stderr)")
    }

    /// `--corpus http://HOST:PORT/collection` was read as a file path ("cannot open for reading").
    @Test func aWebAddressGetsTheChromaHint() throws {
        let f = try Fixture(); defer { f.dir.cleanUp() }
        var args = f.arguments()
        args[args.firstIndex(of: f.dir.path("corpus.npy"))!] = "http://localhost:8000/scifact"
        let out = try EraProcess.run(args)
        #expect(out.status != 0)
        #expect(out.stderr.contains("chroma://HOST:PORT/COLLECTION"), "\(out.stderr)")
        #expect(out.stderr.contains("web address"), "\(out.stderr)")
    }
}
