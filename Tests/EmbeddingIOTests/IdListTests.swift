import Foundation
import Testing
import _TestSupport

@testable import EmbeddingIO

@Suite struct IdListTests {
    @Test func readsIdsWithAndWithoutFinalNewlineAndCRLF() throws {
        let dir = try TemporaryDirectory()
        let variants = ["a\nb\nc\n", "a\nb\nc", "a\r\nb\r\nc\r\n", "\u{FEFF}a\nb\nc\n"]
        for (k, text) in variants.enumerated() {
            #expect(
                try IdList.read(try dir.write("ids\(k).txt", text: text)) == ["a", "b", "c"], "\(text.debugDescription)"
            )
        }
        #expect(try IdList.read(try dir.write("empty.txt", text: "")) == [])
    }

    @Test func emptyLineOrDuplicateNamesTheLine() throws {
        let dir = try TemporaryDirectory()
        let gap = try dir.write("gap.txt", text: "a\nb\n\nc\n")
        let gapError = expectIOError(.badLine, naming: gap) { _ = try IdList.read(gap) }
        #expect(gapError?.line == 3)
        #expect(gapError?.description.contains("gap.txt:3") == true)
        let twoTrailing = try dir.write("two.txt", text: "a\nb\n\n")
        #expect(expectIOError(.badLine, naming: twoTrailing) { _ = try IdList.read(twoTrailing) }?.line == 3)
        let duplicate = try dir.write("dup.txt", text: "a\nb\nc\nb\n")
        let dupError = expectIOError(.duplicate, naming: duplicate) { _ = try IdList.read(duplicate) }
        #expect(dupError?.line == 4)
        #expect(dupError?.description.contains("line 2") == true)
    }

    @Test func writeRoundTripsAndRefusesUnreadableIds() throws {
        let dir = try TemporaryDirectory()
        let ids = ["31715818", "doc with spaces", "ünïcode", "x"]
        try IdList.write(ids, to: dir.file("ids.txt"))
        #expect(try IdList.read(dir.file("ids.txt")) == ids)
        #expect(try String(contentsOf: dir.file("ids.txt"), encoding: .utf8) == ids.joined(separator: "\n") + "\n")
        expectIOError(.invalidValue, naming: dir.file("bad.txt")) {
            try IdList.write(["a", "b\nc"], to: dir.file("bad.txt"))
        }
        expectIOError(.invalidValue, naming: dir.file("bad.txt")) {
            try IdList.write(["a", ""], to: dir.file("bad.txt"))
        }
        expectIOError(.duplicate, naming: dir.file("bad.txt")) {
            try IdList.write(["a", "a"], to: dir.file("bad.txt"))
        }
        #expect(try dir.contents() == ["ids.txt"])
    }

    @Test func countMismatchNamesBothFilesAndCounts() throws {
        try IdList.check(["a", "b"], matchRowsOf: 2, idsPath: "ids.txt", matrixPath: "m.npy")
        let error = expectIOError(.countMismatch, naming: URL(fileURLWithPath: "corpus_ids.txt")) {
            try IdList.check(["a", "b", "c"], matchRowsOf: 5183, idsPath: "corpus_ids.txt", matrixPath: "corpus.npy")
        }
        for part in ["corpus_ids.txt", "corpus.npy", "3 ids", "5183 rows"] {
            #expect(error?.description.contains(part) == true, "missing \(part)")
        }
    }

    @Test(.enabled(if: SharedData.scifact != nil, "../shared/data/scifact not found"))
    func realIdsMatchTheRealMatrices() throws {
        let root = try #require(SharedData.scifact)
        let corpusIds = try IdList.read(root.appendingPathComponent("corpus_ids.txt"))
        let queryIds = try IdList.read(root.appendingPathComponent("query_ids.txt"))
        let corpus = try Npy.readHeader(root.appendingPathComponent("minilm.corpus.npy"))
        let queries = try Npy.readHeader(root.appendingPathComponent("minilm.queries.npy"))
        try IdList.check(
            corpusIds, matchRowsOf: corpus.shape[0], idsPath: "corpus_ids.txt", matrixPath: "minilm.corpus.npy")
        try IdList.check(
            queryIds, matchRowsOf: queries.shape[0], idsPath: "query_ids.txt", matrixPath: "minilm.queries.npy")
        #expect(corpusIds.count == 5183)
    }
}
