import Foundation
import LinearAlgebra

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only `.npy` matrix served straight from a memory mapping of the file (zero copy).
///
/// Pages are loaded by the OS on first touch and shared with the page cache, so mapping a
/// 1.5 GB corpus is instant and costs no heap; a full scan (search, ``checkFinite(_:path:)``)
/// reads it once from disk. Copies of the struct share one mapping, unmapped when the last
/// copy goes away. The file must not be truncated while mapped (SIGBUS, as with numpy's
/// `mmap_mode='r'`); writers in EmbeddingIO replace files by rename, which is safe.
public struct MappedMatrix: RowMatrix, Sendable {
    /// The first dimension of the array (`shape[0]`).
    public let rows: Int
    /// The second dimension of the array (`shape[1]`): the vector length.
    public let columns: Int
    /// The mapped file.
    public let path: String
    private let region: MappedRegion
    /// Byte offset of the first element in the mapping (a multiple of 4, checked by `Npy.map`).
    private let dataOffset: Int

    init(rows: Int, columns: Int, path: String, region: MappedRegion, dataOffset: Int) {
        self.rows = rows
        self.columns = columns
        self.path = path
        self.region = region
        self.dataOffset = dataOffset
    }

    /// Calls `body` with all `rows * columns` elements, row-major, read from the mapping.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        // Keep the mapping alive while `body` holds the pointer.
        try withExtendedLifetime(region) {
            let elements = (region.base + dataOffset).assumingMemoryBound(to: Float.self)
            return try body(UnsafeBufferPointer(start: elements, count: rows * columns))
        }
    }

    /// Element `(row, column)`.
    public subscript(row: Int, column: Int) -> Float {
        precondition(row >= 0 && row < rows && column >= 0 && column < columns, "index out of range")
        return withUnsafeBufferPointer { $0[row * columns + column] }
    }

    /// Row `i` as an array (a copy).
    public func row(_ i: Int) -> [Float] {
        precondition(i >= 0 && i < rows, "row out of range")
        return withUnsafeBufferPointer { Array($0[(i * columns)..<((i + 1) * columns)]) }
    }

    /// All elements copied into an in-memory `Matrix`.
    /// - Complexity: O(`rows * columns`).
    public func materialized() -> Matrix {
        withUnsafeBufferPointer { Matrix(rows: rows, columns: columns, storage: Array($0)) }
    }
}
