import Foundation
import LinearAlgebra

extension Npy {
    /// Memory-maps a 2-D, C-order `<f4` `.npy` file (zero copy; see ``MappedMatrix``).
    ///
    /// The header is validated exactly as in ``read(_:)`` (including the file size), so the
    /// mapping always covers `rows * columns` floats.
    /// - Throws: ``EmbeddingIOError`` naming `url` when the file is malformed, or when it is
    ///   valid but cannot be mapped as Float rows: dtype other than `<f4`, Fortran order,
    ///   ndim != 2, or a data offset that is not 4-byte aligned. ``load(_:mapped:)`` falls
    ///   back to reading in those cases.
    public static func map(_ url: URL) throws -> MappedMatrix {
        let file = try ReadableFile(url)
        let header = try readHeader(file)
        if let reason = unmappableReason(header) {
            throw EmbeddingIOError(
                .unsupportedDType, path: file.path, "cannot memory-map: \(reason); use Npy.read (or Npy.load) instead")
        }
        return MappedMatrix(
            rows: header.shape[0], columns: header.shape[1], path: file.path,
            region: try MappedRegion(file), dataOffset: header.dataOffset)
    }

    /// Why `header` cannot be mapped as Float rows, or nil when it can.
    static func unmappableReason(_ header: NpyHeader) -> String? {
        if header.dtype != .float32 { return "dtype '\(header.descr)' is not '<f4'" }
        if header.shape.count != 2 {
            return "array is \(header.shape.count)-D with shape \(shapeText(header.shape)), a 2-D matrix is needed"
        }
        if header.fortranOrder && header.shape[0] > 1 && header.shape[1] > 1 {
            return "the array is in Fortran (column-major) order"
        }
        if header.dataOffset % MemoryLayout<Float>.alignment != 0 {
            return "data offset \(header.dataOffset) is not 4-byte aligned"
        }
        return nil
    }

    /// Opens a 2-D float `.npy` file as rows, mapping it when possible.
    ///
    /// With `mapped: true`, a C-order `<f4` file is memory-mapped (a ``MappedMatrix``: no
    /// copy, instant, shared with the page cache); any other supported file (`<f2`, `<f8`,
    /// Fortran order, unaligned data) is read and converted into a `Matrix`, since those
    /// need a converted copy anyway. With `mapped: false` the file is always read.
    /// Errors are those of ``read(_:)`` (a malformed file is never silently "read instead").
    /// - Parameters:
    ///   - url: a 2-D float `.npy` file (`<f4`, `<f2` or `<f8`, either order).
    ///   - mapped: whether to memory-map the file when it is mappable.
    /// - Returns: a ``MappedMatrix`` or a `Matrix`; both are `RowMatrix`.
    /// - Throws: ``EmbeddingIOError`` naming `url`, as ``read(_:)``.
    public static func load(_ url: URL, mapped: Bool) throws -> any RowMatrix {
        guard mapped else { return try read(url) }
        let file = try ReadableFile(url)
        let header = try readHeader(file)
        // Read from the descriptor already open, not by opening the file again.
        guard unmappableReason(header) == nil else { return try matrix(file, header: header) }
        return MappedMatrix(
            rows: header.shape[0], columns: header.shape[1], path: file.path,
            region: try MappedRegion(file), dataOffset: header.dataOffset)
    }
}
