import Foundation
import LinearAlgebra

extension Npy {
    /// Reads a 2-D `.npy` file of `<f4`, `<f2` or `<f8` into a `Matrix` (converted to Float).
    ///
    /// Fortran-order files are transposed on read, so the result is always the array numpy
    /// shows (`a[i, j]` is `m[i, j]`). float64 values are rounded to the nearest Float;
    /// float16 values convert exactly.
    /// - Throws: ``EmbeddingIOError`` naming `url`: bad magic, malformed header, truncated
    ///   file, unsupported or big-endian dtype, ndim != 2 (use ``readVector(_:)`` for 1-D).
    /// - Complexity: one pass over the file; memory is the result plus a 1 MiB conversion
    ///   buffer for float16/float64 (plus a copy when transposing Fortran order).
    public static func read(_ url: URL) throws -> Matrix {
        let file = try ReadableFile(url)
        return try matrix(file, header: readHeader(file))
    }

    /// The 2-D array of `header` read from `file`, converted to Float and in row-major order.
    static func matrix(_ file: some ByteReader, header: NpyHeader) throws -> Matrix {
        let dtype = try supportedDType(header, path: file.path)
        guard header.shape.count == 2 else {
            throw EmbeddingIOError(
                .badShape, path: file.path, field: "shape",
                "array is \(header.shape.count)-D with shape \(shapeText(header.shape)) but a 2-D matrix (rows x columns) is needed"
                    + (header.shape.count == 1
                        ? "; a single vector needs reshaping to one row first (numpy: x.reshape(1, -1))" : ""))
        }
        let values = try readElements(file, header: header, dtype: dtype)
        let (rows, columns) = (header.shape[0], header.shape[1])
        if header.fortranOrder {
            // Column-major (rows x columns) is row-major (columns x rows): transpose it back.
            return Matrix(rows: columns, columns: rows, storage: values).transposed
        }
        return Matrix(rows: rows, columns: columns, storage: values)
    }

    /// Reads a 1-D `.npy` float array (e.g. a bias). A 2-D array with one row or one column
    /// is accepted too and flattened.
    /// - Throws: ``EmbeddingIOError`` naming `url` (as ``read(_:)``; any other shape is refused).
    public static func readVector(_ url: URL) throws -> [Float] {
        let file = try ReadableFile(url)
        let header = try readHeader(file)
        let dtype = try supportedDType(header, path: file.path)
        let shape = header.shape
        guard shape.count == 1 || (shape.count == 2 && (shape[0] == 1 || shape[1] == 1)) else {
            throw EmbeddingIOError(
                .badShape, path: file.path, field: "shape",
                "array has shape \(shapeText(shape)) but a vector (1-D, or 1 x n / n x 1) is needed")
        }
        // One row or one column: the element order is the same in C and Fortran layout.
        return try readElements(file, header: header, dtype: dtype)
    }

    /// The header's dtype if EmbeddingIO supports it, else a clear error.
    static func supportedDType(_ header: NpyHeader, path: String) throws -> NpyDType {
        if let dtype = header.dtype { return dtype }
        let descr = header.descr
        if descr.hasPrefix(">"), let little = NpyDType(rawValue: "<" + descr.dropFirst()) {
            throw EmbeddingIOError(
                .unsupportedDType, path: path, field: "descr",
                "big-endian \(descr) is not supported; convert it in numpy with a.astype('\(little.rawValue)')")
        }
        throw EmbeddingIOError(
            .unsupportedDType, path: path, field: "descr",
            "dtype '\(descr)' is not supported (need float: '<f4', '<f2' or '<f8'); convert with np.save(path, a.astype(np.float32))"
        )
    }

    /// All elements after the header, in file order, converted to Float.
    static func readElements(_ file: some ByteReader, header: NpyHeader, dtype: NpyDType) throws -> [Float] {
        let count = header.elementCount
        switch dtype {
        case .float32:
            return try [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                try file.read(into: UnsafeMutableRawBufferPointer(buffer), at: header.dataOffset, what: "the data")
                initialized = count
            }
        case .float16:
            return try convertChunks(file, header: header, elementSize: 2) { raw, out, n in
                let halves = raw.assumingMemoryBound(to: UInt16.self)
                for k in 0..<n { out[k] = HalfFloat.toFloat(halves[k]) }
            }
        case .float64:
            return try convertChunks(file, header: header, elementSize: 8) { raw, out, n in
                let doubles = raw.assumingMemoryBound(to: Double.self)
                for k in 0..<n { out[k] = Float(doubles[k]) }
            }
        }
    }

    /// Reads elements of `elementSize` bytes in 1 MiB chunks; `convert(chunk, out, n)` writes the
    /// chunk's `n` elements as floats. The loops are the callers' concrete ones: a generic element
    /// type and a per-element closure were not specialized in a debug build, where reading the
    /// quickstart's float16 files took a fifth of a test's time.
    private static func convertChunks(
        _ file: some ByteReader, header: NpyHeader, elementSize: Int,
        _ convert: (UnsafeRawPointer, UnsafeMutablePointer<Float>, Int) -> Void
    ) throws -> [Float] {
        let count = header.elementCount
        let chunk = max(1, (1 << 20) / elementSize)
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk * elementSize, alignment: 16)
        defer { scratch.deallocate() }
        return try [Float](unsafeUninitializedCapacity: count) { out, initialized in
            var start = 0
            while start < count {
                let n = min(chunk, count - start)
                let part = UnsafeMutableRawBufferPointer(rebasing: scratch[0..<(n * elementSize)])
                try file.read(into: part, at: header.dataOffset + start * elementSize, what: "the data")
                convert(UnsafeRawPointer(part.baseAddress!), out.baseAddress! + start, n)
                start += n
                initialized = start
            }
        }
    }
}
