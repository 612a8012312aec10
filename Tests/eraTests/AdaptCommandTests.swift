import EmbeddingIO
import Foundation
import LinearAlgebra
import Testing
import Workflows
import _TestSupport

/// `era adapt` end to end on a small planted problem, and its refusals (one clear error line,
/// nothing written).
@Suite struct AdaptCommandTests {
    /// 80 documents (m = 6), 60 labeled and 20 unlabeled queries (p = 10) generated near their
    /// document through a map that stage one (W1 = rectangular identity) gets only partly right.
    struct Fixture {
        let dir: TemporaryDirectory
        init() throws {
            dir = try TemporaryDirectory()
            var g = SeededGenerator(seed: 5)
            let (p, m, documents, queries) = (10, 6, 80, 80)
            var docs = Matrix.randomNormal(rows: documents, columns: m, using: &g)
            docs.normalizeRows()
            let mix = Matrix.randomNormal(rows: p, columns: m, using: &g)  // x = (I_p,m + 0.5 mix) y + noise
            var x = Matrix(rows: queries, columns: p)
            var train = "query-id\tcorpus-id\tscore\n", test = train
            for q in 0..<queries {
                let doc = (q * 13 + 3) % documents
                for i in 0..<p {
                    var value = i < m ? docs[doc, i] : 0
                    for j in 0..<m { value += 0.5 * mix[i, j] * docs[doc, j] }
                    x[q, i] = value + Float(0.05 * g.normal())
                }
                if q < 60 { train += "q\(q)\td\(doc)\t1\n" } else { test += "q\(q)\td\(doc)\t1\n" }
            }
            try dir.write(test, to: "qrels.test.tsv")
            try Npy.write(x, to: dir.url.appendingPathComponent("queries.npy"))
            try Npy.write(docs, to: dir.url.appendingPathComponent("corpus.npy"))
            try dir.write((0..<queries).map { "q\($0)" }.joined(separator: "\n") + "\n", to: "query_ids.txt")
            try dir.write((0..<documents).map { "d\($0)" }.joined(separator: "\n") + "\n", to: "corpus_ids.txt")
            try dir.write(train, to: "qrels.train.tsv")
            let stageOne = SafetensorsFile(
                tensors: [
                    "weight": .init(Matrix.identity(rows: m, columns: p)),
                    "bias": .init(vector: [Float](repeating: 0, count: m)),
                ],
                metadata: ["source_model": "qmodel", "target_model": "dmodel", "stage": "align", "family": "linear"])
            try stageOne.write(to: dir.url.appendingPathComponent("stage1.safetensors"))
        }

        func arguments(out: String? = nil, _ extra: [String] = []) -> [String] {
            [
                "adapt", "--adapter", dir.path("stage1.safetensors"), "--queries", dir.path("queries.npy"),
                "--query-ids", dir.path("query_ids.txt"), "--corpus", dir.path("corpus.npy"),
                "--corpus-ids", dir.path("corpus_ids.txt"), "--qrels", dir.path("qrels.train.tsv"),
                "--out", out ?? dir.path("stage2.safetensors"), "--learning-rate", "0.01", "--steps", "40",
                "--hard-pool", "20", "--num-negatives", "3",
            ] + extra
        }
    }

    @Test func writesAReproducibleStageTwoAdapter() throws {
        let f = try Fixture(); defer { f.dir.cleanUp() }
        let first = try EraProcess.run(f.arguments(["--json"]))
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("final run:"))
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        #expect(summary["labeled_queries"] as? Int == 60)
        let file = try Safetensors.read(URL(fileURLWithPath: f.dir.path("stage2.safetensors")))
        #expect(file.metadata["stage"] == "adapt")
        #expect(file.metadata["source_model"] == "qmodel")
        #expect(file.metadata["adapt_steps"] == String(summary["selected_steps"] as? Int ?? -1))
        #expect(try file.matrix("weight").shape == Shape(6, 10))
        let again = try EraProcess.run(f.arguments(out: f.dir.path("again.safetensors")))
        #expect(again.status == 0)
        let a = try Data(contentsOf: URL(fileURLWithPath: f.dir.path("stage2.safetensors")))
        let b = try Data(contentsOf: URL(fileURLWithPath: f.dir.path("again.safetensors")))
        #expect(a == b)
    }

    @Test(arguments: [
        (["--constraint", "reflection"], "--constraint"),
        (["--constraint", "rotation", "--rank", "4"], "--rank"),
        (["--negatives", "hard,easy"], "--negatives"),
        (["--budget", "0"], "budget"),
        // Issue 11: accepted where YAML refuses it, and a rank that never finished.
        (["--num-negatives", "0"], "--num-negatives: expected an integer >= 1"),
        (["--rank", "100000"], "must be at most min(m, p) = 6"),
    ])
    func refusesBadOptions(extra: [String], mentioning word: String) throws {
        let f = try Fixture(); defer { f.dir.cleanUp() }
        let out = try EraProcess.run(f.arguments(extra))
        #expect(out.status != 0 && out.status < 128, "status \(out.status): \(out.stderr)")
        #expect(out.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }.count == 1, "\(out.stderr)")
        #expect(out.stderr.contains(word), "\(out.stderr)")
        #expect(!FileManager.default.fileExists(atPath: f.dir.path("stage2.safetensors")))
    }

    @Test func refusesQueriesOfAnotherModel() throws {
        let f = try Fixture(); defer { f.dir.cleanUp() }
        var g = SeededGenerator(seed: 1)
        try Npy.write(
            Matrix.randomNormal(rows: 80, columns: 7, using: &g), to: f.dir.url.appendingPathComponent("q7.npy"))
        var args = f.arguments()
        args[args.firstIndex(of: f.dir.path("queries.npy"))!] = f.dir.path("q7.npy")
        let out = try EraProcess.run(args)
        #expect(out.status != 0)
        #expect(out.stderr.contains("q7.npy") && out.stderr.contains("dimension 7"), "\(out.stderr)")
    }

    @Test func sweepWritesTableChartAndNumbers() throws {
        let f = try Fixture(); defer { f.dir.cleanUp() }
        // The index model's own query embeddings (the "index as it is" reference): any 6-d vectors will do.
        var g = SeededGenerator(seed: 2)
        try Npy.write(
            Matrix.randomNormal(rows: 80, columns: 6, using: &g), to: f.dir.url.appendingPathComponent("own.npy"))
        let args = [
            "sweep", "--adapter", f.dir.path("stage1.safetensors"), "--queries", f.dir.path("queries.npy"),
            "--query-ids", f.dir.path("query_ids.txt"), "--corpus", f.dir.path("corpus.npy"),
            "--corpus-ids", f.dir.path("corpus_ids.txt"), "--qrels", f.dir.path("qrels.train.tsv"),
            "--eval-qrels", f.dir.path("qrels.test.tsv"), "--baseline-queries", f.dir.path("own.npy"),
            "--budgets", "20,all", "--seeds", "2", "--constraint", "none,rotation",
            "--out-dir", f.dir.path("sweep"), "--trials", "200", "--learning-rate", "0.01", "--steps", "20",
            "--hard-pool", "20", "--num-negatives", "3",
        ]
        let out = try EraProcess.run(args)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("| rotation | 60 (all) | 2 |"), "\(out.stdout)")
        #expect(out.stdout.contains("| unconstrained | 20 | 2 |"), "\(out.stdout)")
        #expect(out.stdout.contains("| index as it is |"))
        for name in ["sweep.md", "sweep.json", "sweep.svg"] {
            #expect(FileManager.default.fileExists(atPath: f.dir.path("sweep/\(name)")), "\(name)")
        }
        let svg = try String(contentsOfFile: f.dir.path("sweep/sweep.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("stage one, unseen"))
    }

    /// A sweep run again into its folder replaces its own files (sweep.json carries era's mark, and
    /// the table and chart beside it count as era's); a user's sweep.json, or a table without era's
    /// sweep.json beside it, is refused without --force, naming the file.
    @Test func aSweepRunsAgainIntoItsOwnFolderButNotOverAUsersFiles() throws {
        let f = try Fixture(); defer { f.dir.cleanUp() }
        let args = [
            "sweep", "--adapter", f.dir.path("stage1.safetensors"), "--queries", f.dir.path("queries.npy"),
            "--query-ids", f.dir.path("query_ids.txt"), "--corpus", f.dir.path("corpus.npy"),
            "--corpus-ids", f.dir.path("corpus_ids.txt"), "--qrels", f.dir.path("qrels.train.tsv"),
            "--eval-qrels", f.dir.path("qrels.test.tsv"), "--budgets", "20", "--seeds", "1",
            "--out-dir", f.dir.path("sweep"), "--trials", "100", "--steps", "5", "--hard-pool", "20",
            "--num-negatives", "3", "--quiet",
        ]
        for _ in 0..<2 {
            let out = try EraProcess.run(args)
            #expect(out.status == 0, "\(out.stderr)")
        }
        let json = try String(contentsOfFile: f.dir.path("sweep/sweep.json"), encoding: .utf8)
        #expect(json.contains("\"format\" : \"era-sweep\""), "\(json)")

        try f.dir.write("{\"mine\": true}\n", to: "sweep/sweep.json")
        let overUsers = try EraProcess.run(args)
        #expect(overUsers.status != 0 && overUsers.stderr.contains("sweep.json"), "\(overUsers.stderr)")
        #expect(try String(contentsOfFile: f.dir.path("sweep/sweep.json"), encoding: .utf8) == "{\"mine\": true}\n")

        try FileManager.default.removeItem(atPath: f.dir.path("sweep/sweep.json"))
        let alone = try EraProcess.run(args)
        #expect(alone.status != 0 && alone.stderr.contains("sweep.md"), "\(alone.stderr)")
        #expect(alone.stderr.contains("no sweep.json of era's"), "\(alone.stderr)")
        #expect(try EraProcess.run(args + ["--force"]).status == 0)

        // era's sweep.json lists what it wrote: a table edited since, or a user's table beside a copy
        // of era's sweep.json, is not era's (a breaker replaced a user's notes that way).
        try f.dir.write("| my notes |\n", to: "sweep/sweep.md")
        let edited = try EraProcess.run(args)
        #expect(edited.status != 0 && edited.stderr.contains("sweep.md"), "\(edited.stderr)")
        #expect(try String(contentsOfFile: f.dir.path("sweep/sweep.md"), encoding: .utf8) == "| my notes |\n")
        try FileManager.default.createDirectory(atPath: f.dir.path("mine"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: f.dir.path("sweep/sweep.json"), toPath: f.dir.path("mine/sweep.json"))
        try f.dir.write("<svg>mine</svg>\n", to: "mine/sweep.svg")
        let copied = try EraProcess.run(args.map { $0 == f.dir.path("sweep") ? f.dir.path("mine") : $0 })
        #expect(copied.status != 0 && copied.stderr.contains("sweep.svg"), "\(copied.stderr)")
        #expect(try String(contentsOfFile: f.dir.path("mine/sweep.svg"), encoding: .utf8) == "<svg>mine</svg>\n")
    }
}
