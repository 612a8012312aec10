import AdapterFormat
import EmbeddingIO
import Foundation
import Testing
import Workflows
import _TestSupport

/// Issue 20 item 6 through the command line, on the shipped excerpt (MiniLM queries, retired e5 index):
/// `era adapt --retired-index-model` reads the e5 queries for the score calibration only with
/// `--calibrate-with-index-queries`; `era evaluate --index-queries` measures it on the test queries.
@Suite struct CalibrationCommandTests {
    static func adapt(_ dir: TemporaryDirectory, out: String, _ extra: [String]) throws -> EraProcess.Output {
        try EraProcess.run(
            [
                "adapt", "--adapter", "s1.safetensors", "--queries", "queries.minilm.npy", "--query-ids",
                "query_ids.txt", "--corpus", "index.e5small.npy", "--corpus-ids", "corpus_ids.txt", "--qrels",
                "qrels.train.tsv", "--retired-index-model", "--budget", "60", "--folds", "0", "--steps", "5",
                "--out", out, "--json", "--quiet",
            ] + extra, in: dir.url)
    }

    static func calibration(_ output: EraProcess.Output) throws -> [String: Any] {
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any],
            "no JSON (status \(output.status)):\n\(output.stderr)")
        return try #require(
            json["score_calibration"] as? [String: Any], "no score_calibration in \(json.keys.sorted())")
    }

    @Test func theRetiredModelsQueriesCalibrateOnlyWithTheFlag() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try UpgradeGateCommandTests.data(in: dir)
        let align = try EraProcess.run(
            [
                "align", "--source", "align.minilm.npy", "--source-ids", "align_ids.txt", "--target",
                "align.e5small.npy", "--target-ids", "align_ids.txt", "--epochs", "0", "--out", "s1.safetensors",
            ], in: dir.url)
        try #require(align.status == 0, "\(align.stderr)")

        // Without the flag: the e5 queries are not read (the warning says how to use them), stage one's
        // calibration is carried onto the adapted map.
        let carried = try Self.adapt(dir, out: "carried.safetensors", ["--index-queries", "queries.e5small.npy"])
        #expect(carried.status == 0, "\(carried.stderr)")
        #expect(carried.stderr.contains("--calibrate-with-index-queries"))
        let fromStageOne = try Self.calibration(carried)
        #expect(fromStageOne["fitted_on"] as? String == "alignment-texts")
        #expect(fromStageOne["carried_through_queries"] as? Int == 60)

        // With it: fitted on the 60 labeled queries; the map is the same to the bit.
        let labeled = try Self.adapt(
            dir, out: "labeled.safetensors",
            ["--index-queries", "queries.e5small.npy", "--calibrate-with-index-queries"])
        #expect(labeled.status == 0, "\(labeled.stderr)")
        let fromQueries = try Self.calibration(labeled)
        #expect(fromQueries["fitted_on"] as? String == "labeled-queries" && fromQueries["count"] as? Int == 60)
        let a = try Adapter.load(dir.url.appendingPathComponent("carried.safetensors"))
        let b = try Adapter.load(dir.url.appendingPathComponent("labeled.safetensors"))
        #expect(a.map == b.map && !b.isHybrid)
        #expect(b.extraMetadata["score_calibration_fitted_on"] == "labeled-queries")

        // Asking without the vectors is refused, saying what to give.
        let refused = try Self.adapt(dir, out: "refused.safetensors", ["--calibrate-with-index-queries"])
        #expect(refused.status != 0 && refused.stderr.contains("--index-queries"))

        // era evaluate measures the adapter's calibration on the 300 test queries.
        let evaluated = try EraProcess.run(
            [
                "evaluate", "--adapter", "labeled.safetensors", "--queries", "queries.minilm.npy", "--query-ids",
                "query_ids.txt", "--corpus", "index.e5small.npy", "--corpus-ids", "corpus_ids.txt", "--qrels",
                "qrels.test.tsv", "--index-queries", "queries.e5small.npy", "--retired-index-model", "--json",
            ], in: dir.url)
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(evaluated.stdout.utf8)) as? [String: Any],
            "no JSON (status \(evaluated.status)):\n\(evaluated.stderr)")
        let check = try #require(json["score_calibration"] as? [String: Any])
        #expect(check["queries"] as? Int == 300 && check["fitted_on"] as? String == "labeled-queries")
        let before = try #require(check["median_abs_diff_before"] as? Double)
        let after = try #require(check["median_abs_diff_after"] as? Double)
        #expect(after < before)
    }
}
