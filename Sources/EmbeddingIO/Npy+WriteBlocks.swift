import Foundation
import LinearAlgebra

extension Npy {
    /// Writes a `rows x columns` float32 C-order `.npy` whose rows are produced block by block,
    /// atomically: a file far larger than memory can be written while holding one block.
    ///
    /// `produce` is called with consecutive row ranges of at most `blockRows` rows covering
    /// `0..<rows` and must return a matrix of exactly that many rows and `columns` columns.
    /// - Parameters:
    ///   - rows: rows of the file (>= 0; 0 writes a valid empty array and never calls `produce`).
    ///   - columns: columns of the file and of every block (>= 0).
    ///   - url: the target file (replaced atomically; its directory must exist).
    ///   - blockRows: the largest range `produce` is asked for (> 0); bounds the memory held.
    ///   - produce: called once per range, in increasing order, with the rows to produce.
    /// - Throws: ``EmbeddingIOError`` naming `url` (OS errors, or a block of the wrong shape);
    ///   whatever `produce` throws. On any error the target is left as it was.
    public static func write(
        rows: Int, columns: Int, to url: URL, blockRows: Int = 16_384,
        produce: (Range<Int>) throws -> Matrix
    ) throws {
        precondition(rows >= 0 && columns >= 0 && blockRows > 0, "negative size or empty block")
        let header = try encodeHeader(shape: [rows, columns], dtype: .float32, version: 1, path: url.path)
        try AtomicFile.write(to: url) { sink in
            try sink.write(header)
            var start = 0
            while start < rows {
                let range = start..<min(start + blockRows, rows)
                let block = try produce(range)
                guard block.rows == range.count, block.columns == columns else {
                    throw EmbeddingIOError(
                        .badShape, path: url.path,
                        "block for rows \(range) is \(block.rows) x \(block.columns), expected \(range.count) x \(columns)"
                    )
                }
                try block.withUnsafeBufferPointer { try sink.write(UnsafeRawBufferPointer($0)) }
                start = range.upperBound
            }
        }
    }
}
