import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// ``OutputGuard`` for an output that is a whole folder (written with ``AtomicFolder``), such as a
/// sentence-transformers module folder. Replacing a folder removes everything in it, so the path
/// must be
///
/// - absent, an empty folder, or a folder era wrote (its `markerFile` is JSON whose `format` is
///   `markerFormat`); any other folder needs `force`;
/// - never a file, a symbolic link or a special file, and never a folder holding sub-folders other
///   than `ownSubfolders`, even with `force`: that is most likely a model folder or a home folder
///   given by mistake, and the override should not be able to delete it;
/// - not, and not containing, any input of the command.
public struct FolderOutputGuard: Sendable, Hashable {
    public var flag: String
    public var path: String
    /// A JSON file era writes into the folder, with a top-level `"format": markerFormat`.
    public var markerFile: String
    public var markerFormat: String
    /// The sub-folders era itself writes there (e.g. `Normalize`).
    public var ownSubfolders: Set<String>
    public var inputs: [OutputGuard.Input]
    public var force: Bool
    /// How the front end spells the override in its advice (`--force` on the command line).
    public var forceFlag: String

    public init(
        flag: String, path: String, markerFile: String, markerFormat: String, ownSubfolders: Set<String>,
        inputs: [OutputGuard.Input], force: Bool, forceFlag: String
    ) {
        self.flag = flag
        self.path = path
        self.markerFile = markerFile
        self.markerFormat = markerFormat
        self.ownSubfolders = ownSubfolders
        self.inputs = inputs
        self.force = force
        self.forceFlag = forceFlag
    }

    /// - Throws: ``EmbeddingIOError`` (kind `.unsafeOutput`) naming the flag, the path and what to do.
    public func check() throws {
        let folder = FilePath.resolved(path)
        for input in inputs {
            let resolved = FilePath.resolved(input.path)
            if resolved == folder || resolved.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/") {
                throw refusal(
                    "contains \(input.flag) \(input.path), which this command reads; replacing the folder "
                        + "would destroy that input: give \(flag) another path")
            }
        }
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw EmbeddingIOError.posix("inspect the output \(flag)", path: path, errno: errno)
        }
        let type = info.st_mode & S_IFMT
        guard type == S_IFDIR else {
            let what = type == S_IFREG ? "a regular file" : FilePath.describe(type)
            throw refusal(
                "exists and is \(what); era writes a folder here and never replaces anything else, even "
                    + "with \(forceFlag): give \(flag) the path of a new folder")
        }
        let entries = try FileManager.default.contentsOfDirectory(atPath: path)
        if entries.isEmpty { return }
        let foreignFolders = entries.filter { name in
            var sub = stat()
            return lstat(path + "/" + name, &sub) == 0 && sub.st_mode & S_IFMT == S_IFDIR
                && !ownSubfolders.contains(name)
        }
        if !foreignFolders.isEmpty {
            throw refusal(
                "is a folder holding other folders (\(foreignFolders.sorted().prefix(3).joined(separator: ", "))), "
                    + "not one era wrote; era does not replace it, even with \(forceFlag) (it may be a model "
                    + "folder): give \(flag) the path of a new folder")
        }
        if force || isEras { return }
        throw refusal(
            "is a folder era did not write (no \(markerFile) with \"format\": \"\(markerFormat)\"); pass "
                + "\(forceFlag) to replace it and everything in it, or give \(flag) a new folder")
    }

    private var isEras: Bool {
        let marker = path + "/" + markerFile
        var info = stat()
        guard lstat(marker, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size < 1 << 20,
            let data = FileManager.default.contents(atPath: marker),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return false }
        return object["format"] as? String == markerFormat
    }

    private func refusal(_ message: String) -> EmbeddingIOError {
        EmbeddingIOError(.unsafeOutput, path: path, "\(flag) \(message)")
    }
}
