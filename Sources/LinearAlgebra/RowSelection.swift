/// Some rows of a ``RowMatrix``, picked by index, without copying them: a view.
///
/// Training at scale reads its pairs through selections of the memory-mapped inputs, so the
/// matched pairs, the training split and the held-out split cost an index array each instead of a
/// copy of the rows (at 100,000 pairs of 4096-d floats one copy is 1.6 GB). Rows are copied only
/// into small, reused buffers: a batch or a block (``copyRows(_:into:)``).
public struct RowSelection: Sendable {
    /// The table the rows come from.
    public let table: any RowMatrix
    /// Row `i` of the selection is row `indices[i]` of the table; nil: every row, in order.
    public let indices: [Int]?

    /// Every row of `table`, in order.
    public init(_ table: any RowMatrix) {
        self.table = table
        indices = nil
    }

    /// Rows `indices` of `table`, in that order (repeats allowed); an index outside the table stops
    /// with `precondition`.
    public init(_ table: any RowMatrix, rows indices: [Int]) {
        let rows = table.rows
        precondition(indices.allSatisfy { $0 >= 0 && $0 < rows }, "row index outside the table")
        self.table = table
        self.indices = indices
    }

    /// The number of rows selected.
    public var count: Int { indices?.count ?? table.rows }
    /// The vector length.
    public var columns: Int { table.columns }

    /// The table row of selected row `i`.
    @inlinable public func tableRow(_ i: Int) -> Int { indices?[i] ?? i }

    /// The rows `positions` of this selection (positions into it, not into the table), as a selection
    /// of the same table.
    /// - Complexity: O(`positions.count`).
    public func selecting<C: Collection>(_ positions: C) -> RowSelection where C.Element == Int {
        RowSelection(table, rows: positions.map { tableRow($0) })
    }

    /// Copies the selected rows at `positions` (positions into the selection), in that order, into
    /// `destination` (`positions.count x columns`, row-major).
    /// - Complexity: O(`positions.count * columns`).
    public func copyRows<C: Collection>(_ positions: C, into destination: UnsafeMutablePointer<Float>)
    where C.Element == Int {
        let columns = columns
        table.withUnsafeBufferPointer { source in
            for (k, position) in positions.enumerated() {
                (destination + k * columns).update(
                    from: source.baseAddress! + tableRow(position) * columns, count: columns)
            }
        }
    }

    /// The selected rows at `positions`, copied into a ``Matrix``.
    /// - Complexity: O(`positions.count * columns`).
    public func gathered<C: Collection>(_ positions: C) -> Matrix where C.Element == Int {
        var out = Matrix(rows: positions.count, columns: columns)
        if positions.isEmpty || columns == 0 { return out }
        out.withUnsafeMutableBufferPointer { copyRows(positions, into: $0.baseAddress!) }
        return out
    }

    /// Every selected row, copied into a ``Matrix``.
    public func gathered() -> Matrix { gathered(0..<count) }
}
