import AdapterFormat
import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra
import Testing
import Workflows

/// `era evaluate --adapter` maps queries first; `--compare` adds a paired test.
@Suite struct EvaluateAdapterTests {
    /// Queries live in a 3-d space whose first two axes, swapped, are the corpus's 2-d space.
    func writeFixture(_ dir: TemporaryDirectory) throws {
        let corpus = Matrix([[1, 0], [0, 1], [0.6, 0.8], [0.8, 0.6]])
        let queries = Matrix([[0, 1, 0.1], [1, 0, 0.1], [0.8, 0.6, 0]])  // swapped axes + a third
        try Npy.write(corpus, to: dir.url.appendingPathComponent("corpus.npy"))
        try Npy.write(queries, to: dir.url.appendingPathComponent("queries.npy"))
        try dir.write("d1\nd2\nd3\nd4\n", to: "corpus_ids.txt")
        try dir.write("q1\nq2\nq3\n", to: "query_ids.txt")
        try dir.write("query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\nq3\td3\t1\n", to: "qrels.tsv")
        try dir.write("query-id\tcorpus-id\tscore\nq7\td1\t1\n", to: "train.tsv")
        let swap = try AffineMap(weight: Matrix([[0, 1, 0], [1, 0, 0]]), bias: [0, 0])
        let wrong = try AffineMap(weight: Matrix([[1, 0, 0], [0, 1, 0]]), bias: [0, 0])
        for (name, map) in [("swap", swap), ("wrong", wrong)] {
            try Adapter(
                map: map, sourceModel: "q", targetModel: "d", stage: "test", configurationHash: "-",
                version: "test"
            ).save(to: dir.url.appendingPathComponent("\(name).safetensors"))
        }
    }

    func arguments(_ dir: TemporaryDirectory, _ extra: [String]) -> [String] {
        [
            "evaluate", "--queries", dir.path("queries.npy"), "--query-ids", dir.path("query_ids.txt"),
            "--corpus", dir.path("corpus.npy"), "--corpus-ids", dir.path("corpus_ids.txt"),
            "--qrels", dir.path("qrels.tsv"), "--json",
        ] + extra
    }

    @Test func adapterMapsQueriesBeforeSearch() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanUp() }
        try writeFixture(dir)
        let out = try EraProcess.run(arguments(dir, ["--adapter", dir.path("swap.safetensors")]))
        #expect(out.status == 0, "\(out.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        #expect(abs((object["ndcg@10"] as? Double ?? 0) - 1) < 1e-9)
    }

    @Test func compareReportsAPairedTest() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanUp() }
        try writeFixture(dir)
        let out = try EraProcess.run(
            arguments(
                dir,
                [
                    "--adapter", dir.path("swap.safetensors"),
                    "--compare", dir.path("wrong.safetensors"),
                    "--unseen-against", dir.path("train.tsv"),
                ]))
        #expect(out.status == 0, "\(out.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        let compare = try #require(object["compare"] as? [String: Any])
        let all = try #require(compare["all"] as? [String: Any])
        #expect((all["difference"] as? Double ?? 0) > 0.1, "the right map beats the wrong one: \(all)")
        #expect((all["queries"] as? Int) == 3)
        #expect(compare["unseen"] != nil)
        // train.tsv cites d1, so q1 is not unseen.
        #expect((object["unseen"] as? [String: Any])?["queries"] as? Int == 2)
    }

    @Test func adapterOfTheWrongShapeIsRefusedNamingIt() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanUp() }
        try writeFixture(dir)
        let map = try AffineMap(weight: Matrix(rows: 2, columns: 5), bias: [0, 0])
        try Adapter(
            map: map, sourceModel: "q", targetModel: "d", stage: "test", configurationHash: "-",
            version: "test"
        ).save(to: dir.url.appendingPathComponent("five.safetensors"))
        let out = try EraProcess.run(arguments(dir, ["--adapter", dir.path("five.safetensors")]))
        #expect(out.status != 0 && out.status < 128)
        #expect(out.stderr.contains("five.safetensors"), "\(out.stderr)")
    }
}
