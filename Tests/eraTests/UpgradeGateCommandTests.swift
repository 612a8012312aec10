import AdapterFormat
import EmbeddingIO
import Foundation
import LinearAlgebra
import Testing
import Workflows
import _TestSupport

/// Issue 20, items 3 to 5, through the command line: `era evaluate --retired-index-model` answers
/// the upgrade question in `--json`, and `--gate` (and a pipeline's `gate: true`) turns the decision
/// into the exit status: 0 for use or switch, 3 without advice, 4 otherwise. The data is the
/// shipped quickstart's e5 index and queries.
@Suite struct UpgradeGateCommandTests {
    static let quickstart = YourDataWalkthroughTests.root.appendingPathComponent("Pipelines/quickstart")

    static func data(in dir: TemporaryDirectory) throws {
        for name in [
            "queries.e5small.npy", "queries.minilm.npy", "index.e5small.npy", "index.minilm.npy", "query_ids.txt",
            "corpus_ids.txt", "qrels.train.tsv", "qrels.test.tsv", "align.minilm.npy", "align.e5small.npy",
            "align_ids.txt",
        ] {
            try FileManager.default.copyItem(
                at: quickstart.appendingPathComponent(name), to: dir.url.appendingPathComponent(name))
        }
    }

    /// `era evaluate` of `queries` (no adapter) against the e5 index, with `indexQueries` as the index as it is.
    static func evaluate(_ dir: TemporaryDirectory, queries: String, indexQueries: String, _ extra: [String])
        throws -> (status: Int32, json: [String: Any])
    {
        let result = try EraProcess.run(
            [
                "evaluate", "--queries", queries, "--query-ids", "query_ids.txt", "--corpus", "index.e5small.npy",
                "--corpus-ids", "corpus_ids.txt", "--qrels", "qrels.test.tsv", "--index-queries", indexQueries,
                "--unseen-against", "qrels.train.tsv", "--json", "--gate",
            ] + extra, in: dir.url)
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            "no JSON (status \(result.status)):\n\(result.stderr)")
        return (result.status, json)
    }

    static func verdict(_ json: [String: Any]) throws -> [String: Any] {
        try #require(json["verdict"] as? [String: Any], "no verdict in \(json.keys.sorted())")
    }

    /// The new model's queries are the index model's own here (a map that changes nothing): no
    /// worse than the index as it was, so switch, exit 0; `--reembedded-corpus` adds the retention.
    @Test func aNonInferiorMapSwitchesAndPassesTheGate() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try Self.data(in: dir)
        let (status, json) = try Self.evaluate(
            dir, queries: "queries.e5small.npy", indexQueries: "queries.e5small.npy",
            ["--retired-index-model", "--reembedded-corpus", "index.e5small.npy"])
        let verdict = try Self.verdict(json)
        #expect(verdict["question"] as? String == "upgrade" && verdict["decision"] as? String == "switch")
        #expect(verdict["margin"] as? Double == 0.01)
        // The new model's corpus is the same index here: the map keeps all of it, and there is no gain to recover.
        #expect(abs((verdict["retention"] as? Double ?? 0) - 1) < 1e-12 && verdict["gain_recovered"] is NSNull)
        #expect(status == 0)
    }

    /// Another model's queries straight into the e5 index (an adapter made for another pair, in
    /// effect) score at chance: no advice, and the gate stops with 3. It advised switching before.
    @Test func aMapAtChanceWithholdsTheVerdict() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try Self.data(in: dir)
        let (status, json) = try Self.evaluate(
            dir, queries: "queries.minilm.npy", indexQueries: "queries.e5small.npy", ["--retired-index-model"])
        let verdict = try Self.verdict(json)
        #expect(verdict["decision"] as? String == "withheld", "\(verdict)")
        let checks = try #require(json["checks"] as? [[String: String]])
        #expect(checks.contains { $0["name"] == "maps-above-chance" && $0["status"] == "failed" }, "\(checks)")
        #expect(status == 3)
    }

    /// The e5 queries blurred by noise (a map that loses far more than the margin, yet ranks well above
    /// chance): switch-costs, with its cost, and the gate stops with 4. (Another model's queries
    /// straight into the e5 index score at chance, and the verdict is withheld: maps-above-chance.)
    @Test func aCostlySwitchFailsTheGate() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try Self.data(in: dir)
        let own = try Npy.read(dir.url.appendingPathComponent("queries.e5small.npy"))
        var generator = SeededGenerator(seed: 20)
        let noise = Matrix.randomNormal(rows: own.rows, columns: own.columns, using: &generator)
        let scale = Float(1.2 / Double(own.columns).squareRoot())
        // One array, then one matrix: element by element through `storage` is slow in a debug build.
        let blurred = zip(own.storage, noise.storage).map { $0 + scale * $1 }
        let noisy = Matrix(rows: own.rows, columns: own.columns, storage: blurred)
        try Npy.write(noisy.normalizedRows(), to: dir.url.appendingPathComponent("queries.noisy.npy"))
        let (status, json) = try Self.evaluate(
            dir, queries: "queries.noisy.npy", indexQueries: "queries.e5small.npy",
            ["--retired-index-model", "--margin", "0.02"])
        let checks = try #require(json["checks"] as? [[String: String]])
        #expect(checks.allSatisfy { $0["status"] != "failed" }, "\(checks)")
        let verdict = try Self.verdict(json)
        #expect(
            verdict["question"] as? String == "upgrade" && verdict["decision"] as? String == "switch-costs",
            "\(verdict)")
        let cost = try #require(verdict["cost"] as? [String: Any])
        #expect((cost["delta"] as? Double ?? 0) > 0.02 && verdict["margin"] as? Double == 0.02)
        #expect(verdict["retention"] is NSNull && verdict["gain_recovered"] is NSNull)
        #expect(status == 4)
    }

    /// The index model's queries replaced by another model's (same dimension): the index as it is
    /// collapses, the check fails, the verdict is withheld and the gate says 3.
    @Test func aWithheldVerdictFailsTheGate() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try Self.data(in: dir)
        let (status, json) = try Self.evaluate(
            dir, queries: "queries.e5small.npy", indexQueries: "queries.minilm.npy", ["--retired-index-model"])
        #expect(try Self.verdict(json)["decision"] as? String == "withheld")
        #expect(status == 3)
    }

    /// Without a retired index model the usual question: queries clearly better than a degraded
    /// index-as-is say `use`, exit 0; the same pair the other way round says `keep`, exit 4.
    @Test func useAndKeepThroughTheGate() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try Self.data(in: dir)
        var noisy = try Npy.read(dir.url.appendingPathComponent("queries.e5small.npy"))
        var generator = SeededGenerator(seed: 7)
        noisy.withUnsafeMutableBufferPointer { p in
            for k in p.indices { p[k] += Float(0.03 * generator.normal()) }
        }
        try Npy.write(noisy, to: dir.url.appendingPathComponent("queries.noisy.npy"))
        let use = try Self.evaluate(dir, queries: "queries.e5small.npy", indexQueries: "queries.noisy.npy", [])
        #expect(try Self.verdict(use.json)["decision"] as? String == "use" && use.status == 0)
        #expect(try Self.verdict(use.json)["question"] == nil)
        let keep = try Self.evaluate(dir, queries: "queries.noisy.npy", indexQueries: "queries.e5small.npy", [])
        #expect(try Self.verdict(keep.json)["decision"] as? String == "keep" && keep.status == 4)
    }

    @Test func theRetiredFlagRefusesAHybridAdapterAndABadMargin() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try Self.data(in: dir)
        let result = try EraProcess.run(
            [
                "evaluate", "--queries", "queries.e5small.npy", "--query-ids", "query_ids.txt", "--corpus",
                "index.e5small.npy", "--corpus-ids", "corpus_ids.txt", "--qrels", "qrels.test.tsv",
                "--index-queries", "queries.e5small.npy", "--retired-index-model", "--margin", "1.5",
            ], in: dir.url)
        #expect(result.status != 0 && result.stderr.contains("--margin"), "\(result.stderr)")
    }

    /// A pipeline whose evaluate stage sets `gate: true`: `era run` exits with the decision's code.
    @Test func aGatedPipelineExitsWithTheDecision() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try Self.data(in: dir)
        let root = YourDataWalkthroughTests.root.path
        try """
        name: gated
        output: \(dir.url.appendingPathComponent("run").path)
        models: {query: {dim: 384}, index: {dim: 384, retired: true}}
        data:
          queries: {embeddings: queries.minilm.npy, ids: query_ids.txt, index_model_embeddings: queries.e5small.npy}
          index: {embeddings: index.e5small.npy, ids: corpus_ids.txt, query_model_embeddings: index.minilm.npy}
          alignment: {query_model: align.minilm.npy, index_model: align.e5small.npy, ids: align_ids.txt}
          qrels: {labeled: qrels.train.tsv, evaluation: qrels.test.tsv}
        stages:
          - name: raw
            kind: align
            extends: \(root)/configs/presets/align-procrustes.yaml
          - kind: evaluate
            options: {baselines: [index-as-is, re-embedded], significance_trials: 500, gate: true}
        """.write(to: dir.url.appendingPathComponent("gated.yaml"), atomically: true, encoding: .utf8)
        let result = try EraProcess.run(["run", "gated.yaml"], in: dir.url)
        #expect(result.status == 4, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stderr.contains("gate: switch-costs"))
        #expect(result.stdout.contains("upgrade verdict (can I switch to the new model now?"))
        let metrics = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: dir.url.appendingPathComponent("run/metrics.json"))) as? [String: Any])
        let verdict = try Self.verdict(metrics)
        #expect(verdict["question"] as? String == "upgrade" && verdict["decision"] as? String == "switch-costs")
        #expect(verdict["retention"] is Double)
    }

    /// `era adapt --retired-index-model` with `--index-queries`: a plain adapter, the same map as
    /// retired without those queries, and a warning that says where they belong; without the flag the same
    /// files give a hybrid adapter.
    @Test func adaptWithARetiredIndexModelWritesAPlainAdapter() throws {
        let f = try AdaptCommandTests.Fixture()
        defer { f.dir.cleanUp() }
        var g = SeededGenerator(seed: 3)
        var own = Matrix.randomNormal(rows: 80, columns: 6, using: &g)
        own.normalizeRows()
        try Npy.write(own, to: f.dir.url.appendingPathComponent("own.npy"))
        let retired = try EraProcess.run(
            f.arguments(
                out: f.dir.path("retired.safetensors"),
                ["--index-queries", f.dir.path("own.npy"), "--retired-index-model"]))
        #expect(retired.status == 0, "\(retired.stderr)")
        #expect(retired.stderr.contains("--retired-index-model"), "\(retired.stderr)")
        // Retired without the index model's queries: the same defaults (a retired index model's stage two
        // compares interpolated candidates), so the same map.
        let plain = try EraProcess.run(f.arguments(out: f.dir.path("plain.safetensors"), ["--retired-index-model"]))
        #expect(plain.status == 0, "\(plain.stderr)")
        let hybrid = try EraProcess.run(
            f.arguments(out: f.dir.path("hybrid.safetensors"), ["--index-queries", f.dir.path("own.npy")]))
        #expect(hybrid.status == 0, "\(hybrid.stderr)")
        let a = try Adapter.load(URL(fileURLWithPath: f.dir.path("retired.safetensors")))
        let b = try Adapter.load(URL(fileURLWithPath: f.dir.path("plain.safetensors")))
        #expect(!a.isHybrid && a.map == b.map)
        #expect(try Adapter.load(URL(fileURLWithPath: f.dir.path("hybrid.safetensors"))).isHybrid)
    }
}
