#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Minimal chunked writer of a C-order `<f4` `.npy` (format 1.0) file, used only by the synthetic
/// search benchmark to produce a corpus larger than it wants to hold in an Array (EmbeddingIO's
/// `Npy.write` takes a whole matrix). The benchmark maps the result with `Npy.map`.
enum NpyScratchFile {
    struct IOError: Error, CustomStringConvertible {
        let path: String
        let message: String
        var description: String { "\(path): \(message)" }
    }

    /// The 1.0 header for a `rows x columns` float32 array, padded to a multiple of 64 bytes.
    static func header(rows: Int, columns: Int) -> [UInt8] {
        var dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(columns)), }"
        let unpadded = 10 + dict.utf8.count + 1
        dict += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        let length = UInt16(dict.utf8.count)
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(dict.utf8)
    }

    /// Writes `rows x columns` floats to `path`, asking `fill(firstRow, rowCount, buffer)` for
    /// `chunkRows` rows at a time, so at most one chunk is in memory.
    static func write(path: String, rows: Int, columns: Int, chunkRows: Int,
                      fill: (Int, Int, UnsafeMutableBufferPointer<Float>) -> Void) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw IOError(path: path, message: "cannot create (errno \(errno))") }
        defer { close(fd) }
        try header(rows: rows, columns: columns).withUnsafeBytes { try writeAll(fd, $0, path) }
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, chunkRows * columns))
        defer { buffer.deallocate() }
        for r0 in stride(from: 0, to: rows, by: chunkRows) {
            let n = min(chunkRows, rows - r0)
            let chunk = UnsafeMutableBufferPointer(rebasing: buffer[0..<(n * columns)])
            fill(r0, n, chunk)
            try writeAll(fd, UnsafeRawBufferPointer(chunk), path)
        }
        // Flush now, so write-back of dirty pages does not run during a timed scan of the file.
        guard fsync(fd) == 0 else { throw IOError(path: path, message: "fsync failed (errno \(errno))") }
    }

    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, _ path: String) throws {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            guard n > 0 else { throw IOError(path: path, message: "write failed (errno \(errno))") }
            done += n
        }
    }
}
