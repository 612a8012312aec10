import EmbeddingIO
import Foundation
import LinearAlgebra
import Testing
import _TestSupport

/// Every JSON the commands print (`--json` of adapt, evaluate and era-bench) or write (align's log,
/// sweep.json, adapters' metadata) uses one key style: snake_case, metric names as `ndcg@10`.
@Suite struct JSONKeyStyleCommandTests {
    func expectSnakeCase(_ json: String, _ what: String, dataKeyed: Set<String> = []) throws {
        let violations = try JSONKeyStyle.violations(in: Data(json.utf8), dataKeyed: dataKeyed)
        #expect(violations.isEmpty, "\(what): \(violations)")
    }

    func run(_ arguments: [String], executable: URL = EraProcess.executable) throws -> String {
        let out = try EraProcess.run(arguments, executable: executable)
        #expect(
            out.status == 0,
            "\(executable.lastPathComponent) \(arguments.prefix(2).joined(separator: " ")): \(out.stderr)")
        return out.stdout
    }

    @Test func alignAdaptEvaluateAndSweepWriteSnakeCase() throws {
        let f = try AdaptCommandTests.Fixture(); defer { f.dir.cleanUp() }
        // Alignment pairs: each query's vector beside its document's (the fixture's planted relation).
        let queries = try Npy.read(f.dir.url.appendingPathComponent("queries.npy"))
        let corpus = try Npy.read(f.dir.url.appendingPathComponent("corpus.npy"))
        try Npy.write(
            corpus.gatherRows((0..<queries.rows).map { ($0 * 13 + 3) % corpus.rows }),
            to: f.dir.url.appendingPathComponent("pairs.d.npy"))
        _ = try run([
            "align", "--source", f.dir.path("queries.npy"), "--source-ids", f.dir.path("query_ids.txt"),
            "--target", f.dir.path("pairs.d.npy"), "--target-ids", f.dir.path("query_ids.txt"),
            "--out", f.dir.path("aligned.safetensors"), "--epochs", "1", "--quiet",
        ])
        try expectSnakeCase(try String(contentsOfFile: f.dir.path("aligned.log.json"), encoding: .utf8), "align log")
        #expect(
            try JSONKeyStyle.metadataViolations(ofSafetensors: f.dir.url.appendingPathComponent("aligned.safetensors"))
                .isEmpty)

        let adapt = try run(f.arguments(["--json", "--quiet"]))
        try expectSnakeCase(adapt, "adapt --json")
        #expect(adapt.contains("\"stage_one_dev_ndcg@10\"") && adapt.contains("\"dev_ndcg@10\""))
        #expect(
            try JSONKeyStyle.metadataViolations(ofSafetensors: f.dir.url.appendingPathComponent("stage2.safetensors"))
                .isEmpty)

        let evaluate = try run([
            "evaluate", "--queries", f.dir.path("queries.npy"), "--query-ids", f.dir.path("query_ids.txt"),
            "--corpus", f.dir.path("corpus.npy"), "--corpus-ids", f.dir.path("corpus_ids.txt"),
            "--qrels", f.dir.path("qrels.test.tsv"), "--adapter", f.dir.path("stage2.safetensors"),
            "--compare", f.dir.path("stage1.safetensors"), "--unseen-against", f.dir.path("qrels.train.tsv"),
            "--significance-trials", "200", "--json", "--per-query",
        ])
        try expectSnakeCase(evaluate, "evaluate --json", dataKeyed: ["per_query"])
        #expect(evaluate.contains("\"ndcg@10\"") && evaluate.contains("\"unseen\""))

        _ = try run([
            "sweep", "--adapter", f.dir.path("stage1.safetensors"), "--queries", f.dir.path("queries.npy"),
            "--query-ids", f.dir.path("query_ids.txt"), "--corpus", f.dir.path("corpus.npy"),
            "--corpus-ids", f.dir.path("corpus_ids.txt"), "--qrels", f.dir.path("qrels.train.tsv"),
            "--eval-qrels", f.dir.path("qrels.test.tsv"), "--budgets", "20", "--seeds", "1", "--trials", "200",
            "--out-dir", f.dir.path("sweep"), "--steps", "10", "--hard-pool", "20", "--num-negatives", "3", "--quiet",
        ])
        try expectSnakeCase(
            try String(contentsOfFile: f.dir.path("sweep/sweep.json"), encoding: .utf8), "sweep.json",
            dataKeyed: ["artifact_hashes"])
    }

    @Test func benchJSONIsSnakeCase() throws {
        let scratch = try TemporaryDirectory(); defer { scratch.cleanUp() }
        for arguments in [
            ["search", "--docs", "200", "--queries", "20", "--dim", "8", "--json"],
            [
                "align", "--pairs", "300", "--source-dim", "12", "--target-dim", "8", "--epochs", "1",
                "--json", "--scratch-directory", scratch.path("."),
            ],
            [
                "adapt", "--queries", "60", "--docs", "200", "--source-dim", "12", "--target-dim", "8",
                "--json", "--scratch-directory", scratch.path("."),
            ],
        ] {
            try expectSnakeCase(
                try run(arguments, executable: EraProcess.benchExecutable), "era-bench \(arguments[0])")
        }
    }
}
