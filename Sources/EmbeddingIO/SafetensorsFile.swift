import Foundation
import LinearAlgebra

/// The content of a safetensors file: named little-endian float tensors and string metadata.
///
/// File layout (huggingface/safetensors): an 8-byte little-endian `u64` header length N, N
/// bytes of JSON `{"__metadata__": {...}, "name": {"dtype": "F32", "shape": [m, p],
/// "data_offsets": [begin, end]}, ...}` padded with spaces to a multiple of 8, then the data
/// buffer; offsets are relative to the buffer start. Read with ``Safetensors/read(_:)``,
/// write with ``write(to:)``. Equality ignores ``sourcePath``.
public struct SafetensorsFile: Sendable, Hashable {
    /// One tensor: element type, shape and raw little-endian bytes.
    public struct Tensor: Sendable, Hashable {
        /// The supported element types (safetensors names).
        public enum DType: String, Sendable, Hashable, CaseIterable {
            case f16 = "F16"
            case f32 = "F32"
            case f64 = "F64"

            /// Bytes per element.
            public var itemSize: Int {
                switch self {
                case .f16: 2
                case .f32: 4
                case .f64: 8
                }
            }
        }

        /// The element type.
        public let dtype: DType
        /// The dimensions, outermost first; `[]` is a scalar (one element).
        public let shape: [Int]
        /// Row-major little-endian elements; `count == shape product * itemSize`.
        public let data: Data

        /// A tensor from raw bytes; the byte count must match the shape (a programmer error otherwise).
        /// - Parameters:
        ///   - dtype: the element type of `data`.
        ///   - shape: non-negative dimensions (`precondition`).
        ///   - data: row-major little-endian elements, exactly `shape product * dtype.itemSize` bytes
        ///     (`precondition`).
        public init(dtype: DType, shape: [Int], data: Data) {
            precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension")
            precondition(shape.reduce(1, *) * dtype.itemSize == data.count, "data size does not match shape \(shape)")
            self.dtype = dtype
            self.shape = shape
            self.data = data
        }

        /// An F32 tensor of shape `[rows, columns]`.
        public init(_ m: Matrix) {
            self.init(dtype: .f32, shape: [m.rows, m.columns], data: m.withUnsafeBufferPointer { Data(buffer: $0) })
        }

        /// An F32 tensor of shape `[n]`.
        public init(vector: [Float]) {
            self.init(dtype: .f32, shape: [vector.count], data: vector.withUnsafeBufferPointer { Data(buffer: $0) })
        }

        /// The number of elements.
        public var elementCount: Int { shape.reduce(1, *) }

        /// All elements converted to Float, row-major (float64 rounds to nearest; float16 is exact).
        public var floats: [Float] {
            data.withUnsafeBytes { raw -> [Float] in
                switch dtype {
                case .f32:
                    // Copy bytes rather than bind: `data` may not be 4-byte aligned.
                    return [Float](unsafeUninitializedCapacity: elementCount) { out, initialized in
                        if elementCount > 0 { UnsafeMutableRawBufferPointer(out).copyMemory(from: raw) }
                        initialized = elementCount
                    }
                case .f16:
                    return (0..<elementCount).map {
                        HalfFloat.toFloat(raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self))
                    }
                case .f64:
                    return (0..<elementCount).map { Float(raw.loadUnaligned(fromByteOffset: 8 * $0, as: Double.self)) }
                }
            }
        }
    }

    /// Tensors by name.
    public var tensors: [String: Tensor]
    /// The `__metadata__` string map (empty when absent).
    public var metadata: [String: String]
    /// The file this was read from, for error messages (nil when built in memory).
    public var sourcePath: String?

    /// A file built in memory (``sourcePath`` nil).
    /// - Parameters:
    ///   - tensors: tensors by name; a name may not be empty or `__metadata__` (checked on write).
    ///   - metadata: the `__metadata__` string map; omitted from the file when empty.
    public init(tensors: [String: Tensor] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// Equal tensors and metadata; ``sourcePath`` is ignored.
    public static func == (a: SafetensorsFile, b: SafetensorsFile) -> Bool {
        a.tensors == b.tensors && a.metadata == b.metadata
    }

    /// Hashes the tensors and metadata (not ``sourcePath``), consistently with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(tensors)
        hasher.combine(metadata)
    }

    /// Tensor `name` as a `Matrix` (it must be 2-D).
    /// - Throws: ``EmbeddingIOError`` naming the file and the tensor when it is missing or not 2-D.
    public func matrix(_ name: String) throws -> Matrix {
        let tensor = try self.tensor(name)
        guard tensor.shape.count == 2 else {
            throw EmbeddingIOError(
                .badShape, path: sourcePath ?? "<safetensors in memory>", field: name,
                "tensor has shape \(tensor.shape) but a 2-D matrix is needed")
        }
        return Matrix(rows: tensor.shape[0], columns: tensor.shape[1], storage: tensor.floats)
    }

    /// Tensor `name` as a vector (1-D, or 2-D with one row or column).
    /// - Throws: ``EmbeddingIOError`` naming the file and the tensor when it is missing or has another shape.
    public func vector(_ name: String) throws -> [Float] {
        let tensor = try self.tensor(name)
        let shape = tensor.shape
        guard shape.count == 1 || (shape.count == 2 && (shape[0] == 1 || shape[1] == 1)) else {
            throw EmbeddingIOError(
                .badShape, path: sourcePath ?? "<safetensors in memory>", field: name,
                "tensor has shape \(shape) but a vector is needed")
        }
        return tensor.floats
    }

    private func tensor(_ name: String) throws -> Tensor {
        guard let tensor = tensors[name] else {
            throw EmbeddingIOError(
                .malformedHeader, path: sourcePath ?? "<safetensors in memory>", field: name,
                "no tensor named '\(name)' (the file has: \(tensors.keys.sorted().joined(separator: ", ")))")
        }
        return tensor
    }
}
