/// A dense, row-major matrix of `Float` or `Double` in one contiguous buffer.
///
/// Use ``Matrix`` (Float) for data and training; `DenseMatrix<Double>` (``MatrixD``)
/// for finite-difference checks and the float64 paths of Procrustes.
///
/// Element `(i, j)` lives at `storage[i * columns + j]`. This is the layout of a
/// C-order `.npy` file and of an embedding table whose rows are vectors, so rows
/// can be handed to BLAS without copying. A value type: copies share storage
/// until one is written (copy-on-write of `Array`).
public struct DenseMatrix<Scalar: BLASScalar>: Sendable, Hashable {
    /// The number of rows (>= 0).
    public private(set) var rows: Int
    /// The number of columns (>= 0).
    public private(set) var columns: Int
    /// Row-major elements; `count == rows * columns`.
    public var storage: [Scalar] {
        didSet { precondition(storage.count == rows * columns, "Matrix storage resized") }
    }

    /// `rows x columns`.
    public var shape: Shape { Shape(rows, columns) }
    /// The number of elements, `rows * columns`.
    public var count: Int { rows * columns }

    /// A `rows x columns` matrix filled with `value`.
    /// - Parameters:
    ///   - rows: the number of rows (>= 0, `precondition`; 0 is allowed).
    ///   - columns: the number of columns (>= 0, `precondition`; 0 is allowed).
    ///   - value: every element (default 0).
    public init(rows: Int, columns: Int, repeating value: Scalar = 0) {
        precondition(rows >= 0 && columns >= 0, "negative dimension")
        self.rows = rows
        self.columns = columns
        // Zeros (the common case: gradients, outputs) by memset: `[Scalar](repeating:count:)` is not
        // specialized across modules and copied element by element through the value witness.
        let count = rows * columns
        self.storage = [Scalar](unsafeUninitializedCapacity: count) { buffer, initialized in
            if value == 0, value.sign == .plus, let base = buffer.baseAddress {
                UnsafeMutableRawPointer(base).initializeMemory(
                    as: UInt8.self, repeating: 0, count: count * MemoryLayout<Scalar>.stride)
            } else {
                buffer.initialize(repeating: value)
            }
            initialized = count
        }
    }

    /// Wraps row-major `storage`; its count must be `rows * columns`.
    /// - Parameters:
    ///   - rows: the number of rows (>= 0, `precondition`).
    ///   - columns: the number of columns (>= 0, `precondition`).
    ///   - storage: the elements, `(i, j)` at `i * columns + j`; `storage.count == rows * columns`
    ///     (`precondition`).
    public init(rows: Int, columns: Int, storage: [Scalar]) {
        precondition(rows >= 0 && columns >= 0, "negative dimension")
        precondition(storage.count == rows * columns, "storage count \(storage.count) != \(rows) x \(columns)")
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    /// A matrix from nested rows (convenient in tests); all rows must have equal length.
    public init(_ nested: [[Scalar]]) {
        let columns = nested.first?.count ?? 0
        precondition(nested.allSatisfy { $0.count == columns }, "ragged rows")
        self.init(rows: nested.count, columns: columns, storage: nested.flatMap { $0 })
    }

    /// The `rows x columns` matrix with ones on the main diagonal (rectangular allowed):
    /// `I_ij = 1` when `i == j`, else 0. Its rows (`rows <= columns`) or columns are orthonormal.
    /// - Parameters:
    ///   - rows: the number of rows (>= 0).
    ///   - columns: the number of columns (>= 0).
    public static func identity(rows: Int, columns: Int) -> DenseMatrix {
        var m = DenseMatrix(rows: rows, columns: columns)
        for i in 0..<min(rows, columns) { m.storage[i * columns + i] = 1 }
        return m
    }

    /// The `n x n` identity matrix.
    public static func identity(_ n: Int) -> DenseMatrix { identity(rows: n, columns: n) }

    /// Element `(row, column)`, both 0-based; out-of-range indices stop with `precondition`.
    public subscript(row: Int, column: Int) -> Scalar {
        get {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns, "index out of range")
            return storage[row * columns + column]
        }
        set {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns, "index out of range")
            storage[row * columns + column] = newValue
        }
    }

    /// Row `i` as an array (a copy).
    public func row(_ i: Int) -> [Scalar] {
        precondition(i >= 0 && i < rows, "row out of range")
        return Array(storage[(i * columns)..<((i + 1) * columns)])
    }

    /// The matrix made of the given rows, in the given order (repeats allowed): row `k` of the
    /// result is row `indices[k]` of `self`. An out-of-range index stops with `precondition`.
    /// - Complexity: O(`indices.count * columns`).
    public func gatherRows<C: Collection>(_ indices: C) -> DenseMatrix where C.Element == Int {
        storage.withUnsafeBufferPointer { DenseMatrix(gathering: indices, from: $0, columns: columns) }
    }

    /// The rows `indices` (in that order) of the row-major `source` with `columns` columns:
    /// era's one row gather, behind every `gatherRows`.
    /// - Parameters:
    ///   - indices: rows of `source` to copy, in the order wanted (repeats allowed).
    ///   - source: row-major elements, `source.count / columns` whole rows.
    ///   - columns: the row length of `source` and of the result.
    /// - Precondition: every index is a row of `source`.
    /// - Complexity: O(`indices.count * columns`).
    public init<C: Collection>(gathering indices: C, from source: UnsafeBufferPointer<Scalar>, columns: Int)
    where C.Element == Int {
        let available = columns == 0 ? 0 : source.count / columns
        var out = [Scalar]()
        out.reserveCapacity(indices.count * columns)
        for i in indices {
            precondition(i >= 0 && i < available, "row out of range")
            out.append(contentsOf: source[(i * columns)..<((i + 1) * columns)])
        }
        self.init(rows: indices.count, columns: columns, storage: out)
    }

    /// The transpose, materialized.
    /// - Complexity: O(`rows * columns`).
    public var transposed: DenseMatrix {
        var out = DenseMatrix(rows: columns, columns: rows)
        storage.withUnsafeBufferPointer { src in
            out.storage.withUnsafeMutableBufferPointer { dst in
                // Blocked so both sides stay in cache on large matrices.
                let block = 32
                for i0 in stride(from: 0, to: rows, by: block) {
                    for j0 in stride(from: 0, to: columns, by: block) {
                        for i in i0..<min(i0 + block, rows) {
                            for j in j0..<min(j0 + block, columns) {
                                dst[j * rows + i] = src[i * columns + j]
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Calls `body` with the row-major elements.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with the mutable row-major elements.
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Scalar>) throws -> R
    ) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer(body)
    }

    /// True when every element is finite (no NaN, no infinity): `UnsafeBufferPointer.allFinite`.
    /// - Complexity: O(`rows * columns`).
    public var isFinite: Bool { storage.withUnsafeBufferPointer(\.allFinite) }
}

extension DenseMatrix: CustomStringConvertible {
    /// The type and shape, followed by the elements row by row when there are at most 64.
    public var description: String {
        if count > 64 { return "DenseMatrix<\(Scalar.self)>\(shape)" }
        let body = (0..<rows).map { i in row(i).map { "\($0)" }.joined(separator: ", ") }
        return "DenseMatrix<\(Scalar.self)>\(shape)[" + body.joined(separator: "; ") + "]"
    }
}

/// The single-precision matrix used for embeddings, maps and training.
public typealias Matrix = DenseMatrix<Float>
/// The double-precision matrix used for gradient checks and float64 solves.
public typealias MatrixD = DenseMatrix<Double>

extension DenseMatrix {
    /// The same values in another precision (Double -> Float rounds to nearest).
    ///
    /// Float <-> Double runs a concrete loop: the generic `BinaryFloatingPoint` initializer is
    /// ~20x slower, which the rotation family of stage two would pay every step.
    /// - Complexity: O(`rows * columns`).
    public func converted<Other: BLASScalar>(to: Other.Type = Other.self) -> DenseMatrix<Other> {
        if Scalar.self == Other.self { return self as! DenseMatrix<Other> }
        var out = DenseMatrix<Other>(rows: rows, columns: columns)
        guard count > 0 else { return out }
        withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let source = UnsafeRawPointer(src.baseAddress!), target = UnsafeMutableRawPointer(dst.baseAddress!)
                if Scalar.self == Float.self, Other.self == Double.self {
                    let s = source.assumingMemoryBound(to: Float.self), d = target.assumingMemoryBound(to: Double.self)
                    for k in 0..<src.count { d[k] = Double(s[k]) }
                } else if Scalar.self == Double.self, Other.self == Float.self {
                    let s = source.assumingMemoryBound(to: Double.self), d = target.assumingMemoryBound(to: Float.self)
                    for k in 0..<src.count { d[k] = Float(s[k]) }
                } else {
                    for k in 0..<src.count { dst[k] = Other(src[k]) }
                }
            }
        }
        return out
    }
}
