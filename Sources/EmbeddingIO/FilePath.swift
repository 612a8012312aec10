import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Path facts the output guard compares: where a path really leads, and which file it is.
package enum FilePath {
    struct Identity: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    /// The absolute path with every existing ancestor's symbolic links and `..` resolved; the
    /// components that do not exist yet are appended as written, so an output that will be created
    /// compares equal to any other spelling of the same place.
    static func resolved(_ path: String) -> String {
        var existing = URL(fileURLWithPath: path).standardizedFileURL.path
        var pending: [String] = []
        while true {
            if let real = realpath(existing, nil) {
                defer { free(real) }
                var result = String(cString: real)
                for component in pending.reversed() {
                    result += (result.hasSuffix("/") ? "" : "/") + component
                }
                return result
            }
            let url = URL(fileURLWithPath: existing)
            let parent = url.deletingLastPathComponent().path
            if parent == existing || parent.isEmpty { return URL(fileURLWithPath: path).standardizedFileURL.path }
            pending.append(url.lastPathComponent)
            existing = parent
        }
    }

    /// The (device, inode) of an existing path, nil when it does not exist.
    static func identity(_ path: String, followLinks: Bool = true) -> Identity? {
        var info = stat()
        let status = followLinks ? stat(path, &info) : lstat(path, &info)
        guard status == 0 else { return nil }
        return Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// "a directory", "a FIFO", ... for a `st_mode & S_IFMT` value.
    package static func describe(_ type: mode_t) -> String {
        switch type {
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        case S_IFLNK: "a symbolic link"
        default: "not a regular file"
        }
    }

    /// Whether the regular file at `path` carries era's mark for `ownership`. Reads at most the
    /// header (adapters) or a bounded prefix (JSON), never a whole large file.
    static func isEras(_ path: String, _ ownership: OutputGuard.Ownership) -> Bool {
        switch ownership {
        case .unmarked:
            return false
        case .listedInEraJSON(let companion):
            guard let object = eraJSONObject(companion),
                let listed = (object["artifact_hashes"] as? [String: String])?[(path as NSString).lastPathComponent],
                let content = boundedContent(path)
            else { return false }
            return listed == SHA256.hex(content)
        case .eraAdapter, .eraAdapterOfStage:
            guard let file = try? ReadableFile(URL(fileURLWithPath: path)), file.size >= 8,
                let prefix = try? file.bytes(at: 0, count: 8, what: "the header length")
            else { return false }
            let length = prefix.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }.littleEndian
            guard length <= 1 << 20, 8 + Int(length) <= file.size,
                let header = try? file.bytes(at: 8, count: Int(length), what: "the header"),
                let object = try? JSONSerialization.jsonObject(with: Data(header)) as? [String: Any],
                let metadata = object["__metadata__"] as? [String: Any]
            else { return false }
            guard metadata["format"] as? String == "era-adapter" else { return false }
            if case .eraAdapterOfStage(let stage) = ownership { return metadata["stage"] as? String == stage }
            return true
        case .eraJSON:
            return eraJSONObject(path) != nil
        }
    }

    /// The content of the regular file at `path`, when it is at most 256 MiB.
    private static func boundedContent(_ path: String) -> Data? {
        guard let file = try? ReadableFile(URL(fileURLWithPath: path)), file.size <= 256 << 20 else { return nil }
        return try? file.readAll()
    }

    /// The JSON object at `path` when its top-level `format` starts with `era-`, read once.
    private static func eraJSONObject(_ path: String) -> [String: Any]? {
        guard let data = boundedContent(path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            (object["format"] as? String)?.hasPrefix("era-") == true
        else { return nil }
        return object
    }
}
