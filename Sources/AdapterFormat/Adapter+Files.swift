import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra

extension Adapter {
    /// Maps every row of the `.npy` at `input` (`n x p`, any supported dtype) to
    /// `normalize(W x + b)` (hybrid: `normalize(W x + V y + b)`, row i of `indexInput` the index
    /// model's vector of query i) and writes the `n x m` float32 result to `output`, block by block
    /// and atomically. Float32 inputs are memory-mapped, so the batch may be larger than RAM.
    ///
    /// - Parameters:
    ///   - input: the `.npy` of the query model's vectors (`n x p`).
    ///   - indexInput: the `.npy` of the index model's vectors of the same queries (`n x m`), for a
    ///     hybrid adapter only.
    ///   - output: where the mapped float32 `n x m` table is written.
    ///   - blockRows: rows mapped per block: the memory held at once, and the size of each gemm.
    ///   - progress: called after each block with (rows done, rows in all).
    /// - Throws: ``AdapterInputError`` when `indexInput` is missing for a hybrid adapter or given to
    ///   another; file errors naming the file; a width or row-count mismatch naming the file; a NaN or
    ///   infinity in an input (named by row and column).
    /// - Complexity: O(n p m), one gemm per block of `blockRows` rows (hybrid: two).
    public func apply(
        inputFile input: URL, indexInputFile indexInput: URL? = nil, outputFile output: URL,
        blockRows: Int = 16_384, progress: (Int, Int) -> Void = { _, _ in }
    ) throws {
        switch (isHybrid, indexInput) {
        case (true, nil): throw AdapterInputError.missingIndexQueries
        case (false, _?): throw AdapterInputError.unexpectedIndexQueries
        default: break
        }
        let rows = try Npy.load(input, mapped: true)
        guard rows.columns == map.sourceDimension else {
            throw AdapterError(
                path: input.path,
                "rows are \(rows.columns)-d but the adapter maps "
                    + "\(map.sourceDimension)-d vectors (from \(sourceModel.isEmpty ? "its source model" : sourceModel))"
            )
        }
        try checkFinite(rows, path: input.path)
        let indexRows = try indexInput.map { url -> any RowMatrix in
            let table = try Npy.load(url, mapped: true)
            guard table.columns == map.targetDimension, table.rows == rows.rows else {
                throw AdapterError(
                    path: url.path,
                    "is \(table.rows) x \(table.columns) but the index model's vectors of the "
                        + "\(rows.rows) queries in \(input.lastPathComponent) are \(rows.rows) x \(map.targetDimension)"
                )
            }
            try checkFinite(table, path: url.path)
            return table
        }
        try Npy.write(rows: rows.rows, columns: map.targetDimension, to: output, blockRows: blockRows) { range in
            let mapped = try apply(to: rows.gatherRows(range), indexQueries: indexRows?.gatherRows(range))
            progress(range.upperBound, rows.rows)
            return mapped
        }
    }

    /// Writes the map as float32 `.npy` files: `weight` (m x p), `bias` (m) and, for a hybrid
    /// adapter, `indexWeight` (V, m x m), for tools that read NumPy arrays rather than safetensors.
    /// The files are written together (EmbeddingIO's `AtomicFile.writeTogether`): all of them or none.
    public func exportNumPy(weight weightURL: URL, bias biasURL: URL, indexWeight indexURL: URL? = nil) throws {
        try AtomicFile.writeTogether {
            try Npy.write(map.weight, to: weightURL)
            try Npy.writeVector(map.bias, to: biasURL)
            if let indexWeight, let indexURL { try Npy.write(indexWeight, to: indexURL) }
        }
    }
}
