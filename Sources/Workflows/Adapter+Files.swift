import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra

extension Adapter {
    /// Maps every row of the `.npy` at `input` (`n x p`, any supported dtype) to
    /// `normalize(W x + b)` and writes the `n x m` float32 result to `output`, block by block
    /// and atomically. A float32 input is memory-mapped, so the batch may be larger than RAM.
    ///
    /// - Parameter progress: called after each block with (rows done, rows in all).
    /// - Throws: file errors naming the file; a dimension mismatch naming `input`; a NaN or
    ///   infinity in the input (named by row and column).
    /// - Complexity: O(n p m), one gemm per block of `blockRows` rows.
    public func apply(inputFile input: URL, outputFile output: URL, blockRows: Int = 16_384,
                      progress: (Int, Int) -> Void = { _, _ in }) throws {
        let rows = try Npy.load(input, mapped: true)
        guard rows.columns == map.sourceDimension else {
            throw AdapterError(path: input.path, "rows are \(rows.columns)-d but the adapter maps "
                + "\(map.sourceDimension)-d vectors (from \(sourceModel.isEmpty ? "its source model" : sourceModel))")
        }
        try checkFinite(rows, path: input.path)
        let p = rows.columns
        try Npy.write(rows: rows.rows, columns: map.targetDimension, to: output, blockRows: blockRows) { range in
            let block = rows.withUnsafeBufferPointer { all in
                Matrix(rows: range.count, columns: p, storage: Array(all[(range.lowerBound * p)..<(range.upperBound * p)]))
            }
            let mapped = try apply(to: block)
            progress(range.upperBound, rows.rows)
            return mapped
        }
    }

    /// Writes the map as two float32 `.npy` files: `weight` (m x p) and `bias` (m), for tools
    /// that read NumPy arrays rather than safetensors. Both writes are atomic.
    public func exportNumPy(weight weightURL: URL, bias biasURL: URL) throws {
        try Npy.write(map.weight, to: weightURL)
        try Npy.writeVector(map.bias, to: biasURL)
    }
}
