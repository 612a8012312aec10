import Foundation
import Retrieval
import Testing
import _TestSupport

@testable import EmbeddingIO

/// Runs `body` on its own thread and returns its result, or records a failure and returns nil,
/// instead of hanging the test, when it has not returned after `seconds` (the thread is abandoned).
func withinSeconds<T: Sendable>(
    _ seconds: Double, _ what: String, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: @escaping @Sendable () -> T
) -> T? {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
        box.value = body()
        done.signal()
    }
    guard done.wait(timeout: .now() + seconds) == .success else {
        Issue.record("\(what) did not return within \(seconds) s (hang)", sourceLocation: sourceLocation)
        return nil
    }
    return box.value
}

/// Written by one thread before it signals, read by another after the wait.
final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}

/// The error `body` throws, as a value (so it can cross threads).
func thrownError(_ body: () throws -> Void) -> EmbeddingIOError? {
    do { try body() } catch let error as EmbeddingIOError { return error } catch {}
    return nil
}

/// Issue 11, items 6, 8, 9 and 10 at the reader level.
@Suite struct HostileInputTests {
    // Item 6: a FIFO nobody writes to must not block open(2) forever.
    @Test func aFIFOWithNoWriterNeverHangsAReader() throws {
        let dir = try TemporaryDirectory()
        let fifo = dir.file("fifo.npy")
        #expect(mkfifo(fifo.path, 0o644) == 0)
        let errors = withinSeconds(10, "reading a FIFO") {
            [
                thrownError { _ = try Npy.read(fifo) }, thrownError { _ = try Npy.load(fifo, mapped: true) },
                thrownError { _ = try Safetensors.read(fifo) },
            ]
        }
        for error in errors ?? [] {
            #expect(error?.kind == .io && error?.message.contains("FIFO") == true, "\(String(describing: error))")
        }
        // Text inputs may be pipes: with nobody writing, the FIFO reads as empty at once.
        let ids = withinSeconds(10, "IdList.read of a FIFO") { try? IdList.read(fifo) }
        #expect(ids == .some([]))
        _ = withinSeconds(10, "Qrels.read of a FIFO") { thrownError { _ = try Qrels.read(fifo) } }
        // A run's inputs (what era's commands read): a pipe that gives nothing is said to be one, not
        // taken for an empty file ("has 0 ids but ... has 1109 rows").
        let input = withinSeconds(10, "InputFileContent of a FIFO") {
            thrownError { _ = try InputFileContent(path: fifo.path) }
        }
        let error = try #require(input ?? nil)
        #expect(error.message.contains("FIFO (named pipe) that gave no data"), "\(error)")
    }

    @Test func aDirectoryIsRefusedAsAnInput() throws {
        let dir = try TemporaryDirectory()
        let error = expectIOError(.io, naming: dir.url) { _ = try IdList.read(dir.url) }
        #expect(error?.message.contains("directory") == true, "\(String(describing: error))")
    }

    // Item 10: `<(...)` hands era /dev/fd/N, the read end of a pipe.
    @Test func idsAndQrelsAreReadFromAPipe() throws {
        func pipePath(_ text: String) throws -> (Pipe, URL) {
            let pipe = Pipe()
            try pipe.fileHandleForWriting.write(contentsOf: Data(text.utf8))
            try pipe.fileHandleForWriting.close()
            return (pipe, URL(fileURLWithPath: "/dev/fd/\(pipe.fileHandleForReading.fileDescriptor)"))
        }
        let (idsPipe, ids) = try pipePath("d1\nd2\n")
        #expect(try IdList.read(ids) == ["d1", "d2"])
        let (qrelsPipe, qrels) = try pipePath("query-id\tcorpus-id\tscore\nq1\td1\t1\n")
        #expect(try Qrels.read(qrels).judgments == ["q1": ["d1": 1]])
        _ = (idsPipe, qrelsPipe)
    }

    // Item 9.
    @Test(arguments: [
        #"{"weight":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"weight":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
        #"{"weight":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"\u0077eight":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
        #"{"__metadata__":{"format":"era-adapter","format":"other"},"weight":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
    ])
    func safetensorsHeadersWithDuplicateKeysAreRefused(json: String) throws {
        let dir = try TemporaryDirectory()
        let url = try dir.write("dup.safetensors", safetensorsBytes(json: json, data: float32Bytes([1])))
        let error = expectIOError(.malformedHeader, naming: url) { _ = try Safetensors.read(url) }
        #expect(error?.message.contains("twice") == true, "\(String(describing: error))")
    }

    @Test func duplicateKeyScannerIgnoresValuesAndSeparateObjects() {
        let header = #"{"a":{"x":"a","y":[{"x":1},{"x":2}]},"b":{"x":"\"a\""}}"#
        #expect(Safetensors.duplicateKey(in: Array(header.utf8)) == nil)
        #expect(Safetensors.duplicateKey(in: Array(#"{"a":1,"b":{"c":2},"a":3}"#.utf8)) == "a")
    }

    // Item 10: ids are trimmed like qrels fields.
    @Test func idsAreTrimmedLikeQrelsFields() throws {
        let dir = try TemporaryDirectory()
        #expect(try IdList.read(dir.write("ids.txt", text: "d1 \n\td2\t\r\n")) == ["d1", "d2"])
        let url = try dir.write("dup.txt", text: "d1\nd1 \n")
        expectIOError(.duplicate, naming: url) { _ = try IdList.read(url) }
    }

    @Test func unicodeEquivalentIdsAreExplainedNotCalledRepeats() throws {
        let dir = try TemporaryDirectory()
        let url = try dir.write("ids.txt", text: "caf\u{E9}\ncafe\u{301}\n")
        let error = expectIOError(.duplicate, naming: url) { _ = try IdList.read(url) }
        #expect(error?.message.contains("canonically equivalent") == true, "\(String(describing: error))")
        #expect(error?.message.contains("U+301") == true, "\(String(describing: error))")
    }

    // Item 8: a nested shape is printed as Python would, never as a Swift enum case.
    @Test func aNestedShapeGivesAReadableMessage() throws {
        let dir = try TemporaryDirectory()
        let url = try dir.write(
            "nested.npy",
            npyBytes(
                dict: "{'descr': '<f4', 'fortran_order': False, 'shape': ((3, 4),), }",
                data: float32Bytes(fixtureMatrix.storage)))
        let error = expectIOError(.malformedHeader, naming: url) { _ = try Npy.read(url) }
        let message = error?.message ?? ""
        #expect(
            message.contains("(3, 4)") && !message.contains("sequence") && !message.contains("integer("), "\(message)")
    }
}
