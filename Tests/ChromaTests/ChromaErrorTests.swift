import Foundation
import LinearAlgebra
import Retrieval
import Testing
import Workflows
import _TestSupport

@testable import Chroma

/// The failures a user meets, each with a message that names the server or collection and what to do.
@Suite struct ChromaErrorTests {
    static let quick = ChromaRetryPolicy(timeout: 1, attempts: 2, backoff: 0.05)

    @Test func anUnreachableServerIsNamedWithTheReason() throws {
        let port = ChromaProcess.freePort()
        let location = try ChromaLocation(parsing: "chroma://127.0.0.1:\(port)/docs")
        do {
            _ = try ChromaCollection(location, policy: Self.quick)
            Issue.record("expected the server to be unreachable")
        } catch let error as ChromaError {
            guard case .unreachable(_, let reason, let attempts) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(attempts == 2)
            #expect(reason == "connection refused", "\(reason)")
            #expect(error.description.contains("http://127.0.0.1:\(port)"))
            #expect(error.description.contains("chroma run"))
        }
    }

    /// A server that accepts the connection and never answers: era gives up after the timeout, never hangs.
    @Test func aSilentServerTimesOut() throws {
        let port = ChromaProcess.freePort()
        let silent = Process()
        silent.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        silent.arguments = [
            "python3", "-c",
            "import socket,time; s=socket.socket(); s.bind(('127.0.0.1',\(port))); s.listen(8); print('up', flush=True); time.sleep(15)",
        ]
        let pipe = Pipe()
        silent.standardOutput = pipe
        silent.standardError = FileHandle.nullDevice
        try silent.run()
        defer {
            kill(silent.processIdentifier, SIGKILL)
            silent.waitUntilExit()
        }
        _ = pipe.fileHandleForReading.availableData  // "up": listening
        let location = try ChromaLocation(parsing: "chroma://127.0.0.1:\(port)/docs")
        let start = Date()
        #expect {
            _ = try ChromaCollection(location, policy: ChromaRetryPolicy(timeout: 0.5, attempts: 2, backoff: 0.05))
        } throws: { error in
            guard case .unreachable(_, let reason, _) = error as? ChromaError else { return false }
            return reason.contains("timed out")
        }
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test func aLocationNeedsAHostAndOneCollectionName() throws {
        for bad in ["chroma://", "chroma://host:8000", "chroma://host:8000/a/b", "http://host/a", "chroma://h/c?x=1"] {
            #expect(throws: ChromaError.self, "\(bad)") { try ChromaLocation(parsing: bad) }
        }
        let location = try ChromaLocation(parsing: "chroma://db.local:8000/docs?tenant=acme&database=prod")
        #expect(location.server.absoluteString == "http://db.local:8000")
        #expect(location.collection == "docs" && location.tenant == "acme" && location.database == "prod")
        #expect(location.description == "chroma://db.local:8000/docs?tenant=acme&database=prod")
        #expect(try ChromaLocation(parsing: "chromas://h:443/c").server.absoluteString == "https://h:443")
    }

    /// A short list in a query answer is a partial answer: retried, never taken as a whole.
    @Test func aPartialQueryAnswerIsRefused() throws {
        let full = Data(
            #"{"ids":[["a","b"],["b","a"]],"distances":[[0.1,0.2],[0.1,0.2]],"include":["distances"]}"#.utf8)
        #expect(try ChromaCollection.neighbours(full, queries: 2, expected: 2).count == 2)
        let short = Data(#"{"ids":[["a","b"],["b"]],"distances":[[0.1,0.2],[0.1]],"include":["distances"]}"#.utf8)
        #expect(throws: ChromaHTTP.Transient.self) { try ChromaCollection.neighbours(short, queries: 2, expected: 2) }
        let truncated = full.prefix(30)
        #expect(throws: ChromaHTTP.Transient.self) {
            try ChromaCollection.neighbours(truncated, queries: 2, expected: 2)
        }
    }
}

@Suite(.enabled(if: ChromaTestServer.available, ChromaTestServer.skipReason))
struct ChromaCollectionErrorTests {
    let server = ChromaTestServer.shared!

    @Test func aMissingCollectionIsNamed() throws {
        let location = try ChromaLocation(parsing: "chroma://\(server.hostPort)/no-such-collection")
        #expect {
            _ = try ChromaCollection(location, policy: ChromaErrorTests.quick)
        } throws: { error in
            guard case .collectionMissing = error as? ChromaError else { return false }
            return "\(error)".contains("no-such-collection") && "\(error)".contains("tenant")
        }
    }

    @Test func aDimensionMismatchIsRefusedWithBothDimensions() throws {
        let fixture = try ChromaFixture(server: server, documents: 20, queries: 5)
        let location = try ChromaLocation(parsing: "chroma://\(server.hostPort)/\(fixture.collection)")
        #expect {
            _ = try ChromaIndex.open(location, dimension: 10, qrels: [])
        } throws: { "\($0)".contains("24-d") && "\($0)".contains("10-d") }
    }

    /// L2 ranks like the inner product only with unit-norm documents: accepted then, refused otherwise.
    @Test func anL2CollectionIsAcceptedOnlyWithUnitNormDocuments() throws {
        let unit = try ChromaFixture(server: server, documents: 100, queries: 20, space: "l2")
        let unitLocation = try ChromaLocation(parsing: "chroma://\(server.hostPort)/\(unit.collection)")
        let files = InputFiles()
        let qrels = try files.qrels(unit.qrelsFile.path)
        let index = try ChromaIndex.open(unitLocation, dimension: 24, qrels: [qrels])
        let request = EvaluateWorkflow.AdapterRequest(
            queries: unit.queries, queryIds: unit.queryIds, corpus: unit.documents, corpusIds: unit.documentIds,
            qrels: qrels, labeled: nil, adapter: nil, compare: nil, indexQueries: nil,
            settings: EvaluateWorkflow.Settings(metrics: ["ndcg@10"]))
        let outcome = try ChromaEvaluateWorkflow.run(request, index: index, compareExact: true)
        #expect(
            abs(
                outcome.comparisons[0].server.report.mean["ndcg@10"]! - outcome.comparisons[0].exact.report.mean[
                    "ndcg@10"]!) < 1e-6)

        let scaled = try ChromaFixture(server: server, documents: 100, queries: 20, space: "l2", scale: 3)
        let location = try ChromaLocation(parsing: "chroma://\(server.hostPort)/\(scaled.collection)")
        #expect {
            _ = try ChromaIndex.open(location, dimension: 24, qrels: [])
        } throws: { "\($0)".contains("l2") && "\($0)".contains("not unit-norm") && "\($0)".contains("3.0000") }
    }

    /// Judged documents the collection lacks are counted, as with files, and still count in recall.
    @Test func judgedIdsMissingFromTheCollectionAreCounted() throws {
        let fixture = try ChromaFixture(server: server, documents: 50, queries: 10)
        var text = try String(contentsOf: fixture.qrelsFile, encoding: .utf8)
        text += "q0\tgone-1\t1\nq1\tgone-2\t1\n"
        try text.write(to: fixture.qrelsFile, atomically: true, encoding: .utf8)
        let qrels = try Qrels.read(fixture.qrelsFile)
        let location = try ChromaLocation(parsing: "chroma://\(server.hostPort)/\(fixture.collection)")
        let index = try ChromaIndex.open(location, dimension: 24, qrels: [qrels])
        #expect(index.judgedMissing == 2)
        let request = EvaluateWorkflow.AdapterRequest(
            queries: fixture.queries, queryIds: fixture.queryIds, corpus: fixture.documents,
            corpusIds: fixture.documentIds, qrels: qrels, labeled: nil, adapter: nil, compare: nil, indexQueries: nil,
            settings: EvaluateWorkflow.Settings(metrics: ["ndcg@10", "recall@100"]))
        let outcome = try ChromaEvaluateWorkflow.run(request, index: index, compareExact: true)
        #expect(outcome.server.run.warnings.relevantDocumentsMissingFromCorpus == 2)
        #expect(outcome.comparisons[0].exact.warnings.relevantDocumentsMissingFromCorpus == 2)
        #expect(
            abs(outcome.server.run.report.mean["recall@100"]! - outcome.comparisons[0].exact.report.mean["recall@100"]!)
                < 1e-6)
    }
}
