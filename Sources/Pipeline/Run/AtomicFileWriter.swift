import AdapterFormat
import Alignment
import EmbeddingIO
import Foundation
import Workflows
import Yams

/// Atomic writes for the runner (EmbeddingIO's `AtomicFile`).
enum AtomicFileWriter {
    static func write(_ data: Data, to url: URL) throws {
        try AtomicFile.write(data, to: url)
    }
}
