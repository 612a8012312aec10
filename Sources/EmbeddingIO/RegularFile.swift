import Foundation

/// A small regular file read whole (a config file), judged before a byte is read: a FIFO, a
/// device or a folder is refused at once (never read, never waited on), and so is a file larger
/// than the limit, which also bounds the read when the file grows or does not report its size
/// (`/proc`). Not recorded in ``FileOpenLog``, which counts the data inputs.
package enum RegularFile {
    /// Why a path was not read.
    package enum Refusal: Error, Equatable {
        case failed(SystemFailure)
        /// Not a regular file: its type (`st_mode & S_IFMT`).
        case notRegular(mode_t)
        /// Its size, or (`atLeast`) the limit, when more than that was read.
        case tooLarge(bytes: Int, atLeast: Bool)
    }

    package static func read(_ path: String, limit: Int) -> Result<Data, Refusal> {
        let (fd, info): (Int32, stat)
        switch ReadableFile.openNonBlocking(path, logged: false) {
        case .success(let opened): (fd, info) = opened
        case .failure(let failure): return .failure(.failed(failure))
        }
        defer { close(fd) }
        let type = info.st_mode & S_IFMT
        guard type == S_IFREG else { return .failure(.notRegular(type)) }
        guard Int(info.st_size) <= limit else { return .failure(.tooLarge(bytes: Int(info.st_size), atLeast: false)) }
        return ReadableFile.readToEnd(fd, limit: limit).mapError(Refusal.failed).flatMap { data in
            data.count <= limit ? .success(data) : .failure(.tooLarge(bytes: limit, atLeast: true))
        }
    }
}
