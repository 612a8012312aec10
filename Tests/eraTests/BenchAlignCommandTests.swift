import Foundation
import Testing

/// `era-bench align` as a user runs it: the JSON keys issue 13 names, and clear refusals.
@Suite struct BenchAlignCommandTests {
    @Test func jsonHasTheIssueKeys() throws {
        let out = try EraProcess.run(
            [
                "align", "--pairs", "300", "--source-dim", "24", "--target-dim", "8", "--epochs", "1",
                "--negatives", "in-batch", "--json",
            ], executable: EraProcess.benchExecutable)
        #expect(out.status == 0, "\(out.stderr)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        for key in ["warm_start_s", "epoch_s", "total_s", "peak_rss_bytes"] {
            #expect(object[key] is NSNumber, "missing \(key)")
        }
        #expect(object["pairs"] as? Int == 300)
    }

    @Test func badArgumentsAreRefused() throws {
        let negatives = try EraProcess.run(
            [
                "align", "--pairs", "10", "--source-dim", "4", "--target-dim", "4", "--negatives", "some",
            ], executable: EraProcess.benchExecutable)
        #expect(negatives.status != 0 && negatives.stderr.contains("--negatives"))
        let huge = try EraProcess.run(
            [
                "align", "--pairs", "\(Int.max / 4)", "--source-dim", "4096", "--target-dim", "1024",
            ], executable: EraProcess.benchExecutable)
        #expect(huge.status != 0 && huge.stderr.contains("overflows"))
    }
}

/// `era bench`, the benchmarks' old spelling, says where they went instead of "unexpected argument".
@Suite struct BenchMovedTests {
    @Test func eraBenchPointsToEraBench() throws {
        let out = try EraProcess.run(["bench", "search", "--docs", "10"])
        #expect(out.status != 0)
        #expect(out.stderr.contains("era-bench search --docs 10"), "\(out.stderr)")
    }
}
