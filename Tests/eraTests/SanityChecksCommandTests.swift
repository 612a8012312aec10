import Foundation
import Testing
import _TestSupport

/// Issue 19, items 1 and 2, through the command line: `era evaluate` prints and writes its checks
/// (`--json`: `checks: [{name, status, detail}]`), withholds the verdict on a failed one, and
/// drops labeled evaluation queries with `--exclude-labeled`; `era run --check` prints what it
/// resolved and fails on a leaked query. The data is the shipped quickstart, copied and broken.
@Suite struct SanityChecksCommandTests {
    static let quickstart = YourDataWalkthroughTests.root.appendingPathComponent("Pipelines/quickstart")

    /// The quickstart's static-model files in `dir`: queries (their index model's own, so no
    /// adapter is needed), the index, and both qrels.
    static func data(in dir: TemporaryDirectory) throws {
        for name in [
            "queries.static.npy", "query_ids.txt", "index.static.npy", "corpus_ids.txt", "qrels.train.tsv",
            "qrels.test.tsv", "queries.mpnet.npy", "align.mpnet.npy", "align.static.npy", "align_ids.txt",
        ] {
            try FileManager.default.copyItem(
                at: quickstart.appendingPathComponent(name), to: dir.url.appendingPathComponent(name))
        }
    }

    static func evaluate(_ dir: TemporaryDirectory, _ extra: [String] = []) throws -> [String: Any] {
        let result = try EraProcess.run(
            [
                "evaluate", "--queries", "queries.static.npy", "--query-ids", "query_ids.txt", "--corpus",
                "index.static.npy", "--corpus-ids", "corpus_ids.txt", "--qrels", "qrels.test.tsv",
                "--index-queries", "queries.static.npy", "--unseen-against", "qrels.train.tsv", "--json",
            ] + extra, in: dir.url)
        try #require(result.status == 0, "era evaluate failed:\n\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    static func check(_ name: String, _ json: [String: Any]) throws -> [String: String] {
        let checks = try #require(json["checks"] as? [[String: String]], "no checks in \(json.keys.sorted())")
        return try #require(checks.first { $0["name"] == name }, "no check \(name) in \(checks)")
    }

    static func lines(_ dir: TemporaryDirectory, _ name: String) throws -> [String] {
        try String(contentsOf: dir.url.appendingPathComponent(name), encoding: .utf8).split(separator: "\n")
            .map(String.init)
    }

    @Test func evaluateWritesItsChecksAndKeepsItsVerdictOnGoodData() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try Self.data(in: dir)
        let json = try Self.evaluate(dir)
        let checks = try #require(json["checks"] as? [[String: String]])
        #expect(checks.allSatisfy { $0["status"] == "ok" }, "\(checks)")
        #expect(
            Set(checks.compactMap { $0["name"] }) == [
                "labeled-not-evaluated", "evaluation-qrels-ids", "labeled-qrels-ids", "reference-above-chance",
                "enough-queries", "index-rows", "maps-above-chance",
            ])
        let verdict = try #require(json["verdict"] as? [String: Any])
        #expect(verdict["decision"] as? String != "withheld")
        #expect(json["queries"] as? Int == 300)
    }

    @Test func sortedCorpusIdsWithholdTheVerdictOfEvaluate() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try Self.data(in: dir)
        try dir.write(
            try Self.lines(dir, "corpus_ids.txt").sorted().joined(separator: "\n") + "\n", to: "corpus_ids.txt")
        let json = try Self.evaluate(dir)
        let check = try Self.check("reference-above-chance", json)
        #expect(check["status"] == "failed" && (check["detail"] ?? "").contains("the ids may not follow the rows"))
        let verdict = try #require(json["verdict"] as? [String: Any])
        #expect(verdict["decision"] as? String == "withheld")
        #expect(
            (verdict["recommendation"] as? String ?? "").hasPrefix("withheld: the check reference-above-chance failed"))
    }

    @Test func aLeakedQueryWithholdsTheVerdictUnlessExcluded() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try Self.data(in: dir)
        let leaked = try #require(try Self.lines(dir, "qrels.test.tsv").dropFirst().first)
        try dir.write(
            (try Self.lines(dir, "qrels.train.tsv") + [leaked]).joined(separator: "\n") + "\n", to: "qrels.train.tsv")
        let failing = try Self.evaluate(dir)
        let failed = try Self.check("labeled-not-evaluated", failing)
        #expect(failed["status"] == "failed" && (failed["detail"] ?? "").contains("--exclude-labeled"))
        #expect((failing["verdict"] as? [String: Any])?["decision"] as? String == "withheld")

        let excluding = try Self.evaluate(dir, ["--exclude-labeled"])
        let dropped = try Self.check("labeled-not-evaluated", excluding)
        #expect(dropped["status"] == "ok" && (dropped["detail"] ?? "").hasPrefix("dropped 1 of 300"), "\(dropped)")
        #expect(excluding["queries"] as? Int == 299)
        #expect((excluding["verdict"] as? [String: Any])?["decision"] as? String != "withheld")

        // `era run --check` on the same files fails, naming the check, after its table of inputs.
        let configs = YourDataWalkthroughTests.root.appendingPathComponent("configs").path
        try dir.write(
            """
            include: [\(configs)/models/mpnet-to-static.yaml]
            data:
              queries: {embeddings: queries.mpnet.npy, ids: query_ids.txt, index_model_embeddings: queries.static.npy}
              index: {embeddings: index.static.npy, ids: corpus_ids.txt}
              alignment: {query_model: align.mpnet.npy, index_model: align.static.npy, ids: align_ids.txt}
              qrels: {labeled: qrels.train.tsv, evaluation: qrels.test.tsv}
            stages:
              - kind: align
              - kind: evaluate
            """, to: "leak.yaml")
        let check = try EraProcess.run(["run", "leak.yaml", "--check"], in: dir.url)
        #expect(check.status != 0)
        #expect(check.stderr.contains("1 check failed (labeled-not-evaluated); nothing was run"), "\(check.stderr)")
        for expected in [
            "data.qrels.evaluation", "labeled too 1", "1109 x 768",
            "stages, in the order they would run: align (align), evaluate (evaluate)",
            "failed  labeled-not-evaluated: 1 of 300",
        ] {
            #expect(check.stdout.contains(expected), "era run --check does not show \(expected):\n\(check.stdout)")
        }
    }

    /// `era align` with target ids that no longer follow the target's rows: the held-out matching
    /// is at chance and the command says so; with the ids as shipped it stays silent.
    @Test func alignWarnsWhenItsPairsMatchAtChance() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try Self.data(in: dir)
        // A fixed permutation: a random one each run made the test's input differ from run to run.
        var generator = SeededGenerator(seed: 19)
        try dir.write(
            try Self.lines(dir, "align_ids.txt").shuffled(using: &generator).joined(separator: "\n") + "\n",
            to: "shuffled_ids.txt")
        func align(_ targetIds: String, out: String) throws -> EraProcess.Output {
            try EraProcess.run(
                [
                    "align", "--source", "align.mpnet.npy", "--source-ids", "align_ids.txt", "--target",
                    "align.static.npy", "--target-ids", targetIds, "--out", out, "--epochs", "1",
                ], in: dir.url)
        }
        let shuffled = try align("shuffled_ids.txt", out: "shuffled.safetensors")
        #expect(shuffled.status == 0, "\(shuffled.stderr)")
        #expect(
            shuffled.stderr.contains("failed  alignment-above-chance:")
                && shuffled.stderr.contains("check --source-ids align_ids.txt and --target-ids shuffled_ids.txt"),
            "\(shuffled.stderr)")
        let shipped = try align("align_ids.txt", out: "shipped.safetensors")
        #expect(shipped.status == 0 && !shipped.stderr.contains("alignment-above-chance"), "\(shipped.stderr)")
    }
}
