import Foundation
import Testing

/// `era bench align` as a user runs it: the JSON keys issue 13 names, and clear refusals.
@Suite struct BenchAlignCommandTests {
    @Test func jsonHasTheIssueKeys() throws {
        let out = try EraProcess.run([
            "bench", "align", "--pairs", "300", "--source-dim", "24", "--target-dim", "8", "--epochs", "1",
            "--negatives", "in-batch", "--json",
        ])
        #expect(out.status == 0, "\(out.stderr)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        for key in ["warm_start_s", "epoch_s", "total_s", "peak_rss_bytes"] {
            #expect(object[key] is NSNumber, "missing \(key)")
        }
        #expect(object["pairs"] as? Int == 300)
    }

    @Test func badArgumentsAreRefused() throws {
        let negatives = try EraProcess.run([
            "bench", "align", "--pairs", "10", "--source-dim", "4", "--target-dim", "4", "--negatives", "some",
        ])
        #expect(negatives.status != 0 && negatives.stderr.contains("--negatives"))
        let huge = try EraProcess.run([
            "bench", "align", "--pairs", "\(Int.max / 4)", "--source-dim", "4096", "--target-dim", "1024",
        ])
        #expect(huge.status != 0 && huge.stderr.contains("overflows"))
    }
}
