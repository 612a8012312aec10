import EmbeddingIO
import Foundation
import Testing

/// A fresh temporary directory, removed when the value is released.
public final class TemporaryDirectory {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("era-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Writes `bytes` to `name` and returns its URL.
    public func write(_ name: String, _ bytes: [UInt8]) throws -> URL {
        let target = file(name)
        try Data(bytes).write(to: target)
        return target
    }

    public func write(_ name: String, text: String) throws -> URL { try write(name, Array(text.utf8)) }

    /// Names of the files now in the directory, sorted.
    public func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }
}

/// Runs `body`, requires an `EmbeddingIOError` of `kind`, and checks its description names `url`'s file.
@discardableResult
public func expectIOError(
    _ kind: EmbeddingIOError.Kind, naming url: URL, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) -> EmbeddingIOError? {
    do {
        try body()
        Issue.record("expected an EmbeddingIOError of kind \(kind), nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as EmbeddingIOError {
        #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
        #expect(error.description.contains(url.lastPathComponent), "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected an EmbeddingIOError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
