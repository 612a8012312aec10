import EmbeddingIO
import Foundation
import Testing
import _TestSupport

@testable import Retrieval

@Suite struct QrelsTests {
    static let expected = Qrels(judgments: ["1": ["d1": 1, "d2": 2], "2": ["d3": 0], "3": ["d1": 1]])

    @Test func readsBEIRAndTRECToTheSameJudgments() throws {
        let dir = try TemporaryDirectory()
        let beir = try dir.write(
            "qrels.tsv", text: "query-id\tcorpus-id\tscore\n1\td1\t1\n1\td2\t2\n\n2\td3\t0\r\n3\td1\t1\n")
        let trec = try dir.write("qrels.trec", text: "1 0 d1 1\n1 0 d2 2\n2\tQ0\td3\t0\n3 0   d1  1\n")
        #expect(try Qrels.read(beir) == Self.expected)
        #expect(try Qrels.read(trec) == Self.expected)
        #expect(try Qrels.read(trec, format: .trec) == Self.expected)
        #expect(try Qrels.read(try dir.write("blank.tsv", text: "")) == Qrels())
        // BEIR's columns without the header line: every line is a judgment, the first included.
        let headerless = try dir.write("headerless.tsv", text: "1\td1\t1\n1\td2\t2\n2\td3\t0\n3\td1\t1\n")
        #expect(try Qrels.read(headerless) == Self.expected)
        // A header of other names is not a judgment: refused, naming the line.
        let otherHeader = try dir.write("other.tsv", text: "qid\tdocid\trel\n1\td1\t1\n")
        #expect(expectIOError(.badLine, naming: otherHeader) { _ = try Qrels.read(otherHeader) }?.line == 1)
    }

    @Test func badLinesNameFileLineAndField() throws {
        let dir = try TemporaryDirectory()
        let score = try dir.write("score.tsv", text: "query-id\tcorpus-id\tscore\n1\td1\t1\n1\td2\t1.0\n")
        let scoreError = expectIOError(.badLine, naming: score) { _ = try Qrels.read(score) }
        #expect(scoreError?.line == 3 && scoreError?.field == "score")
        #expect(scoreError?.description.contains("score.tsv:3: field 'score'") == true)
        let columns = try dir.write("columns.tsv", text: "query-id\tcorpus-id\tscore\n1\td1\n")
        #expect(expectIOError(.badLine, naming: columns) { _ = try Qrels.read(columns) }?.line == 2)
        let trec = try dir.write("bad.trec", text: "1 0 d1 1\n1 0 d2 yes\n")
        let trecError = expectIOError(.badLine, naming: trec) { _ = try Qrels.read(trec) }
        #expect(trecError?.line == 2 && trecError?.field == "relevance")
        let unknown = try dir.write("unknown.txt", text: "1,d1,1\n")
        expectIOError(.badLine, naming: unknown) { _ = try Qrels.read(unknown) }
        let noHeader = try dir.write("noheader.tsv", text: "1\td1\t1\n")
        expectIOError(.badLine, naming: noHeader) { _ = try Qrels.read(noHeader, format: .beirTSV) }
        let conflict = try dir.write("conflict.tsv", text: "query-id\tcorpus-id\tscore\n1\td1\t1\n1\td1\t2\n")
        let conflictError = expectIOError(.duplicate, naming: conflict) { _ = try Qrels.read(conflict) }
        #expect(conflictError?.line == 3 && conflictError?.description.contains("line 2") == true)
        let same = try dir.write("same.tsv", text: "query-id\tcorpus-id\tscore\n1\td1\t1\n1\td1\t1\n")
        #expect(try Qrels.read(same) == Qrels(judgments: ["1": ["d1": 1]]))
    }

    @Test func helpers() {
        let q = Self.expected
        #expect(q.queryIds == ["1", "2", "3"])
        #expect(q.relevantDocuments(of: "1") == ["d1": 1, "d2": 2])
        #expect(q.relevantDocuments(of: "2") == [:])
        #expect(q.relevantDocuments(of: "nope") == [:])
        #expect(q.citedDocuments == ["d1", "d2"])
        #expect(q.restricted(toQueries: ["3", "9"]) == Qrels(judgments: ["3": ["d1": 1]]))
    }

    @Test func resolveDropsUnknownQueriesButKeepsMissingDocuments() {
        let (resolved, warnings) = Self.expected.resolve(queryIds: ["1", "2"], corpusIds: ["d1", "d3"])
        #expect(resolved == Qrels(judgments: ["1": ["d1": 1, "d2": 2], "2": ["d3": 0]]))
        #expect(warnings.count == 3)
        #expect(warnings.contains { $0.contains("dropped 1 of 3") && $0.contains("3") })
        #expect(warnings.contains { $0.contains("1 judged documents") && $0.contains("d2") })
        #expect(warnings.contains { $0.contains("1 kept queries have no relevant document") })
        let clean = Qrels(judgments: ["1": ["d1": 1]]).resolve(queryIds: ["1"], corpusIds: ["d1"])
        #expect(clean.warnings.isEmpty && clean.qrels == Qrels(judgments: ["1": ["d1": 1]]))
    }

    @Test(.enabled(if: SharedData.scifact != nil, "../shared/data/scifact not found"))
    func readsTheRealSciFactQrels() throws {
        let root = try #require(SharedData.scifact)
        let test = try Qrels.read(root.appendingPathComponent("qrels.test.tsv"))
        let queryIds = try IdList.read(root.appendingPathComponent("query_ids.txt"))
        let corpusIds = try IdList.read(root.appendingPathComponent("corpus_ids.txt"))
        #expect(test.judgments.count == 300)  // BEIR SciFact test split
        let (resolved, _) = test.resolve(queryIds: queryIds, corpusIds: corpusIds)
        #expect(resolved.judgments.count == 300)
        #expect(resolved.citedDocuments.isSubset(of: Set(corpusIds)))
    }
}
