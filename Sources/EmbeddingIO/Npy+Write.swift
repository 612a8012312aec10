import Foundation
import LinearAlgebra

extension Npy {
    /// Writes `m` as a 2-D C-order `.npy` file, atomically (see ``AtomicFile``).
    ///
    /// The header is padded with spaces (and a final newline) so the data starts at a
    /// multiple of 64 bytes, as numpy does; the file loads with `np.load` and maps with
    /// ``map(_:)`` when `dtype` is `.float32`. float16 rounds to nearest-even (values beyond
    /// ±65504 become ±infinity, as `astype(np.float16)`); float64 is exact.
    /// - Parameters:
    ///   - m: the matrix; it becomes an array of shape `(m.rows, m.columns)`.
    ///   - url: the target file (replaced atomically; its directory must exist).
    ///   - dtype: the element type written (default `<f4`).
    ///   - version: format version 1, 2 or 3 (1 is what numpy writes unless the header is
    ///     over 64 KiB; 3 allows UTF-8 in the header, irrelevant for float arrays).
    /// - Throws: ``EmbeddingIOError`` naming `url` (OS errors; invalid version).
    /// - Complexity: streams the elements in 1 MiB chunks; no full-size copy.
    public static func write(_ m: Matrix, to url: URL, dtype: NpyDType = .float32, version: Int = 1) throws {
        try m.withUnsafeBufferPointer { elements in
            try write(elements, shape: [m.rows, m.columns], to: url, dtype: dtype, version: version)
        }
    }

    /// Writes `vector` as a 1-D `.npy` file (shape `(n,)`), atomically; as ``write(_:to:dtype:version:)``.
    /// - Parameters:
    ///   - vector: the elements; an empty vector gives shape `(0,)`.
    ///   - url: the target file (replaced atomically; its directory must exist).
    ///   - dtype: the element type written (default `<f4`).
    ///   - version: format version 1, 2 or 3.
    /// - Throws: ``EmbeddingIOError`` naming `url` (OS errors; invalid version).
    public static func writeVector(_ vector: [Float], to url: URL, dtype: NpyDType = .float32, version: Int = 1) throws
    {
        try vector.withUnsafeBufferPointer { elements in
            try write(elements, shape: [vector.count], to: url, dtype: dtype, version: version)
        }
    }

    /// The complete header (preamble + padded dict) for a C-order array.
    static func encodeHeader(shape: [Int], dtype: NpyDType, version: Int, path: String) throws -> [UInt8] {
        guard (1...3).contains(version) else {
            throw EmbeddingIOError(
                .invalidValue, path: path, "cannot write .npy format version \(version) (supported: 1, 2, 3)")
        }
        let dict = Array(NpyHeaderDict(descr: dtype.rawValue, fortranOrder: false, shape: shape).literal.utf8)
        let lengthFieldSize = version == 1 ? 2 : 4
        let preamble = magic.count + 2 + lengthFieldSize
        // dict + padding + "\n" fills the header up to the next multiple of 64.
        let unpadded = preamble + dict.count + 1
        let headerLength = dict.count + 1 + (64 - unpadded % 64) % 64
        guard version > 1 || headerLength <= Int(UInt16.max) else {
            throw EmbeddingIOError(
                .invalidValue, path: path,
                "header of \(headerLength) bytes does not fit format version 1.0; write version 2")
        }
        var bytes = magic + [UInt8(version), 0]
        for k in 0..<lengthFieldSize { bytes.append(UInt8(truncatingIfNeeded: headerLength >> (8 * k))) }
        bytes += dict
        bytes += [UInt8](repeating: 0x20, count: headerLength - dict.count - 1)
        bytes.append(0x0A)
        return bytes
    }

    private static func write(
        _ elements: UnsafeBufferPointer<Float>, shape: [Int], to url: URL, dtype: NpyDType, version: Int
    ) throws {
        let header = try encodeHeader(shape: shape, dtype: dtype, version: version, path: url.path)
        try AtomicFile.write(to: url) { sink in
            try sink.write(header)
            switch dtype {
            case .float32:
                try sink.write(UnsafeRawBufferPointer(elements))
            case .float16:
                try writeConverted(elements, to: sink, as: UInt16.self, HalfFloat.fromFloat)
            case .float64:
                try writeConverted(elements, to: sink, as: Double.self) { Double($0) }
            }
        }
    }

    private static func writeConverted<Element>(
        _ elements: UnsafeBufferPointer<Float>, to sink: AtomicFile.Sink, as: Element.Type,
        _ convert: (Float) -> Element
    ) throws {
        let chunk = max(1, (1 << 20) / MemoryLayout<Element>.stride)
        var scratch = [Element]()
        scratch.reserveCapacity(chunk)
        var start = 0
        while start < elements.count {
            let end = min(start + chunk, elements.count)
            scratch.removeAll(keepingCapacity: true)
            for k in start..<end { scratch.append(convert(elements[k])) }
            try scratch.withUnsafeBytes { try sink.write($0) }
            start = end
        }
    }
}
