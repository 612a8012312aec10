import AdapterFormat
import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra
import Testing
import Workflows

/// Bad input never traps, hangs or prints a stack trace: one message naming the file, exit != 0.
@Suite struct EvaluateBadInputTests {
    /// A tiny valid evaluation set: 3 queries, 4 documents, 2-d unit vectors.
    struct Fixture {
        let dir: TemporaryDirectory
        init() throws {
            dir = try TemporaryDirectory()
            let corpus = Matrix([[1, 0], [0, 1], [0.6, 0.8], [0.8, 0.6]])
            let queries = Matrix([[1, 0], [0, 1], [0.6, 0.8]])
            try Npy.write(corpus, to: dir.url.appendingPathComponent("corpus.npy"))
            try Npy.write(queries, to: dir.url.appendingPathComponent("queries.npy"))
            try dir.write("d1\nd2\nd3\nd4\n", to: "corpus_ids.txt")
            try dir.write("q1\nq2\nq3\n", to: "query_ids.txt")
            try dir.write("query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\nq3\td3\t2\n", to: "qrels.tsv")
        }
        /// Copies `source` to `target` with one same-length ASCII run of its header replaced.
        func patch(_ source: String, replacing old: String, with new: String, into target: String) throws {
            precondition(old.utf8.count == new.utf8.count)
            var bytes = [UInt8](try Data(contentsOf: dir.url.appendingPathComponent(source)))
            let needle = Array(old.utf8)
            let start = try #require(
                (0...(bytes.count - needle.count)).first { Array(bytes[$0..<($0 + needle.count)]) == needle })
            bytes.replaceSubrange(start..<(start + needle.count), with: Array(new.utf8))
            try Data(bytes).write(to: dir.url.appendingPathComponent(target))
        }

        func arguments(
            queries: String = "queries.npy", queryIds: String = "query_ids.txt",
            corpus: String = "corpus.npy", corpusIds: String = "corpus_ids.txt",
            qrels: String = "qrels.tsv"
        ) -> [String] {
            [
                "evaluate", "--queries", dir.path(queries), "--query-ids", dir.path(queryIds),
                "--corpus", dir.path(corpus), "--corpus-ids", dir.path(corpusIds), "--qrels", dir.path(qrels), "--json",
            ]
        }
    }

    /// Runs era and checks the failure shape: non-zero, no trap, one error line naming `file`.
    func expectFailure(_ args: [String], naming file: String, mentioning words: [String] = []) throws {
        let out = try EraProcess.run(args)
        #expect(out.status != 0, "era should fail: \(out.stdout)")
        #expect(out.status < 128, "era must not crash (signal exit): status \(out.status)")
        let errorLines = out.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        #expect(errorLines.count == 1, "expected one error line, got: \(out.stderr)")
        #expect(out.stderr.contains(file), "the message should name \(file): \(out.stderr)")
        for word in words { #expect(out.stderr.lowercased().contains(word.lowercased()), "\(word) in \(out.stderr)") }
        #expect(!out.stderr.contains("Stack dump") && !out.stderr.contains("Fatal error"))
        #expect(out.stdout.isEmpty)
    }

    /// Issue 11 item 8: the "nothing to do" error did not name the files.
    @Test func qrelsSharingNoQueryWithTheIdsNameTheFiles() throws {
        let f = try Fixture(); defer { f.dir.cleanUp() }
        try f.dir.write("query-id\tcorpus-id\tscore\nQ1\td1\t1\n", to: "other_qrels.tsv")
        try expectFailure(
            f.arguments(qrels: "other_qrels.tsv"), naming: "other_qrels.tsv",
            mentioning: ["nothing to do", "query_ids.txt", "1 whose id is not among the 3 query ids"])
    }

    /// Issue 11 item 8: `--compare-metric ndcg@7` said "unknown metric" when the fix is `--k`.
    @Test func compareMetricAtAnotherCutoffSaysToAddItToK() throws {
        let f = try Fixture(); defer { f.dir.cleanUp() }
        let identity = try AffineMap(weight: Matrix([[1, 0], [0, 1]]), bias: [0, 0])
        try Adapter(
            map: identity, sourceModel: "q", targetModel: "d", stage: "test", configurationHash: "-", version: "test"
        )
        .save(to: f.dir.url.appendingPathComponent("identity.safetensors"))
        let out = try EraProcess.run(
            f.arguments() + [
                "--compare", f.dir.path("identity.safetensors"),
                "--compare-metric", "ndcg@7",
            ])
        #expect(out.status != 0)
        #expect(out.stderr.contains("add 7 to --k"), "\(out.stderr)")
    }

    @Test func validInputSucceeds() throws {
        let f = try Fixture(); defer { f.dir.cleanUp() }
        let out = try EraProcess.run(f.arguments())
        #expect(out.status == 0, "\(out.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any]
        #expect(object?["queries"] as? Int == 3)
        #expect((object?["ndcg@10"] as? Double).map { abs($0 - 1) < 1e-9 } == true)
    }

    @Test func truncatedNpy() throws {
        let f = try Fixture(); defer { f.dir.cleanUp() }
        let data = try Data(contentsOf: f.dir.url.appendingPathComponent("corpus.npy"))
        try data.prefix(data.count - 5).write(to: f.dir.url.appendingPathComponent("short.npy"))
        try expectFailure(f.arguments(corpus: "short.npy"), naming: "short.npy")
    }

    @Test func headerThatLiesAboutItsShape() throws {
        let f = try Fixture(); defer { f.dir.cleanUp() }
        try f.patch("corpus.npy", replacing: "(4, 2)", with: "(9, 2)", into: "lying.npy")
        try expectFailure(f.arguments(corpus: "lying.npy"), naming: "lying.npy")
    }

    @Test func unsupportedDtype() throws {
        let f = try Fixture(); defer { f.dir.cleanUp() }
        try f.patch("queries.npy", replacing: "<f4", with: "<i4", into: "ints.npy")
        try expectFailure(f.arguments(queries: "ints.npy"), naming: "ints.npy", mentioning: ["<i4"])
    }

    @Test(arguments: [Float.nan, .infinity])
    func nonFiniteRow(value: Float) throws {
        let f = try Fixture(); defer { f.dir.cleanUp() }
        try Npy.write(
            Matrix([[1, 0], [0, 1], [value, 0.8], [0.8, 0.6]]), to: f.dir.url.appendingPathComponent("bad.npy"))
        try expectFailure(f.arguments(corpus: "bad.npy"), naming: "bad.npy")
    }

    @Test func idCountDiffersFromRows() throws {
        let f = try Fixture(); defer { f.dir.cleanUp() }
        try f.dir.write("d1\nd2\nd3\n", to: "three_ids.txt")
        try expectFailure(f.arguments(corpusIds: "three_ids.txt"), naming: "three_ids.txt")
    }

    @Test func dimensionsDisagree() throws {
        let f = try Fixture(); defer { f.dir.cleanUp() }
        try Npy.write(Matrix([[1, 0, 0], [0, 1, 0], [0, 0, 1]]), to: f.dir.url.appendingPathComponent("q3.npy"))
        try expectFailure(f.arguments(queries: "q3.npy"), naming: "q3.npy", mentioning: ["dimension"])
    }

    @Test func qrelsNamingUnknownIdsWarnAndGoOn() throws {
        let f = try Fixture(); defer { f.dir.cleanUp() }
        try f.dir.write("query-id\tcorpus-id\tscore\nq1\td1\t1\nq9\td2\t1\nq2\td99\t1\n", to: "odd.tsv")
        let out = try EraProcess.run(f.arguments(qrels: "odd.tsv"))
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stderr.contains("warning"), "\(out.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any]
        #expect(object?["queries"] as? Int == 2)
    }

    @Test func missingFile() throws {
        let f = try Fixture(); defer { f.dir.cleanUp() }
        try expectFailure(f.arguments(qrels: "nope.tsv"), naming: "nope.tsv")
    }
}
