/// Read-only, row-major `Float` rows in one contiguous buffer: a ``Matrix`` in memory
/// or a memory-mapped embedding file (EmbeddingIO's `MappedMatrix`).
///
/// Search and mapping code takes `some RowMatrix` so a corpus larger than RAM can be
/// scanned block by block straight from the page cache.
public protocol RowMatrix: Sendable {
    /// The number of rows (vectors).
    var rows: Int { get }
    /// The number of columns (the vector length).
    var columns: Int { get }
    /// Calls `body` with all `rows * columns` elements, row-major.
    func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R
}

extension DenseMatrix: RowMatrix where Scalar == Float {}

extension RowMatrix {
    /// The rows `indices`, in that order (repeats allowed), copied into a ``Matrix``; an
    /// out-of-range index stops with `precondition`.
    /// - Complexity: O(`indices.count * columns`).
    public func gatherRows<C: Collection>(_ indices: C) -> Matrix where C.Element == Int {
        withUnsafeBufferPointer { Matrix(gathering: indices, from: $0, columns: columns) }
    }
}
