import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Owns one `mmap` region and unmaps it on deinit.
///
/// `@unchecked Sendable` is safe: the mapping is `PROT_READ`, so no thread can write through
/// it, and the pointer and length are immutable after init; the only mutation is `munmap`
/// in deinit, which runs once, after every reference (and so every reader) is gone.
final class MappedRegion: @unchecked Sendable {
    let base: UnsafeRawPointer
    let length: Int

    /// Maps the whole of `file` read-only and shared.
    init(_ file: ReadableFile) throws {
        precondition(file.size > 0, "cannot map an empty file")
        guard let pointer = mmap(nil, file.size, PROT_READ, MAP_SHARED, file.descriptor, 0),
            pointer != MAP_FAILED
        else {
            throw EmbeddingIOError.posix("memory-map", path: file.path, errno: errno)
        }
        base = UnsafeRawPointer(pointer)
        length = file.size
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), length) }
}
