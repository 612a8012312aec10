#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LinearAlgebra

/// Minimal writer and memory map of a C-order `<f4` `.npy` (format 1.0) file, used only by the
/// synthetic search benchmark to scan a corpus larger than it wants to hold in an Array.
/// Reading user files is EmbeddingIO's job; this type is deliberately internal and minimal.
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

/// A read-only memory map of a `.npy` written by ``NpyScratchFile/write(path:rows:columns:chunkRows:fill:)``.
/// The pages live in the page cache; only the rows actually touched become resident.
final class MappedScratchMatrix: RowMatrix, @unchecked Sendable {
    let rows: Int
    let columns: Int
    private let base: UnsafeMutableRawPointer
    private let length: Int
    private let dataOffset: Int

    init(path: String, rows: Int, columns: Int) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw NpyScratchFile.IOError(path: path, message: "cannot open (errno \(errno))") }
        defer { close(fd) }
        dataOffset = NpyScratchFile.header(rows: rows, columns: columns).count
        length = dataOffset + rows * columns * MemoryLayout<Float>.size
        guard let map = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0), map != MAP_FAILED else {
            throw NpyScratchFile.IOError(path: path, message: "mmap failed (errno \(errno))")
        }
        _ = madvise(map, length, MADV_SEQUENTIAL)
        base = map
        self.rows = rows
        self.columns = columns
    }

    deinit { munmap(base, length) }

    func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        let floats = (base + dataOffset).assumingMemoryBound(to: Float.self)
        return try body(UnsafeBufferPointer(start: floats, count: rows * columns))
    }
}
