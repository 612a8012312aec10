import Foundation
import LinearAlgebra

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One input file, opened once and read (or memory-mapped) once: its hash, its `.npy` header, its
/// table and its lines all come from the same bytes, so a run that checks a file, hashes it and
/// decodes it opens it once, and what it hashed is what it decoded.
///
/// A `.npy` file (it starts with `\x93NUMPY`) or a file over 64 MiB is memory-mapped: no copy, shared with the page
/// cache, and a float32 C-order table is served from the mapping (a ``MappedMatrix``), as
/// ``Npy/load(_:mapped:)`` does; like every mapping, the file must not be truncated while it is in
/// use. Any other regular file is read whole; a pipe is read to its end. Directories and devices
/// are refused, as by the readers.
public final class InputFileContent: Sendable, ByteReader {
    /// The file, as named by the caller.
    public let path: String
    /// Which file it was when it was opened.
    public let identity: FileIdentity
    /// The size in bytes of the content.
    public let size: Int
    private let storage: Storage

    // `@unchecked Sendable`: a read-only mapping or an immutable `Data`, never written after init.
    private enum Storage: @unchecked Sendable {
        case mapped(MappedRegion)
        case bytes(Data)
    }

    /// Regular files above this size are mapped whatever they hold.
    static let largestCopy = 64 << 20

    /// Opens `path` once and reads or maps its content.
    /// - Throws: ``EmbeddingIOError`` naming `path` (missing, unreadable, a directory or device).
    public init(path: String) throws {
        let (fd, info) = try ReadableFile.openNonBlocking(path)
        self.path = path
        identity = FileIdentity(info)
        if (info.st_mode & S_IFMT) == S_IFIFO {
            defer { close(fd) }
            let data = try ReadableFile.readToEnd(fd, path: path)
            // Read as empty, a pipe nobody writes to got messages about an empty file ("0 ids").
            guard !data.isEmpty else {
                throw EmbeddingIOError(
                    .io, path: path,
                    "is a FIFO (named pipe) that gave no data: nothing was writing to it when era read it; "
                        + "start the writer first, or use a file (process substitution, <(command), works)")
            }
            (size, storage) = (data.count, .bytes(data))
            return
        }
        let file = try ReadableFile(adopting: fd, info: info, path: path)
        size = file.size
        let magicLength = Npy.magic.count
        let isNpy =
            try file.size >= magicLength && file.bytes(at: 0, count: magicLength, what: "the first bytes") == Npy.magic
        // A large file that is not a table (a mistake, or a huge qrels file) is mapped too rather
        // than copied onto the heap.
        if isNpy || file.size > Self.largestCopy {
            storage = .mapped(try MappedRegion(file))
        } else {
            storage = .bytes(try file.readAll())
        }
    }

    /// Calls `body` with the whole content.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch storage {
        case .mapped(let region):
            return try withExtendedLifetime(region) {
                try body(UnsafeRawBufferPointer(start: region.base, count: size))
            }
        case .bytes(let data):
            return try data.withUnsafeBytes(body)
        }
    }

    /// Copies bytes `offset..<offset + buffer.count`; throws ``EmbeddingIOError/Kind/sizeMismatch``
    /// when the content ends first, as a read of the file would.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int, what: String) throws {
        guard buffer.count > 0 else { return }
        guard offset >= 0, offset <= size - buffer.count else {
            throw EmbeddingIOError(
                .sizeMismatch, path: path,
                "file ends after \(size) bytes while reading \(what) (needs \(offset + buffer.count))")
        }
        withUnsafeBytes { bytes in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + buffer.count)]))
        }
    }

    /// SHA-256 of the content as lowercase hex, in 1 MiB steps; `progress` gets the bytes hashed so far.
    public func sha256Hex(progress: ((Int64) -> Void)? = nil) -> String {
        var hasher = SHA256()
        withUnsafeBytes { bytes in
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + (1 << 20))
                hasher.update(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                start = end
                progress?(Int64(start))
            }
        }
        return hasher.hexDigest()
    }

    /// The first `count` bytes (fewer when the content is shorter).
    public func prefix(_ count: Int) -> Data {
        withUnsafeBytes { Data($0.prefix(count)) }
    }

    /// The `.npy` header, validated as ``Npy/readHeader(_:)`` does.
    public func npyHeader() throws -> NpyHeader {
        try Npy.readHeader(self)
    }

    /// The 2-D table, as ``Npy/load(_:mapped:)`` with `mapped: true` gives it: a float32 C-order
    /// file is served from the mapping, any other supported file is converted into a `Matrix`.
    public func npyTable() throws -> any RowMatrix {
        let header = try npyHeader()
        if case .mapped(let region) = storage, Npy.unmappableReason(header) == nil {
            return MappedMatrix(
                rows: header.shape[0], columns: header.shape[1], path: path, region: region,
                dataOffset: header.dataOffset)
        }
        return try Npy.matrix(self, header: header)
    }

    /// The lines of a text file, as ``TextLines/read(_:)`` splits them.
    public func textLines() throws -> [String] {
        switch storage {
        case .bytes(let data): try TextLines.parse(data, path: path)
        case .mapped: try TextLines.parse(withUnsafeBytes { Data($0) }, path: path)
        }
    }
}
