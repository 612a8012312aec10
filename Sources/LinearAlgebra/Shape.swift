/// A matrix shape, rows by columns.
public struct Shape: Sendable, Hashable, CustomStringConvertible {
    /// The number of rows.
    public var rows: Int
    /// The number of columns.
    public var columns: Int
    /// The shape `rows x columns`.
    public init(_ rows: Int, _ columns: Int) {
        self.rows = rows
        self.columns = columns
    }
    /// `[rows x columns]`.
    public var description: String { "[\(rows) x \(columns)]" }
}
