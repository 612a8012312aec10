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
///   `markerFormat`) that holds only the files era writes there (`ownFiles`);
/// - never a file, a symbolic link, a special file, a folder era did not write, or one of era's
///   holding anything else, even with the front end's override (`forceFlag`): replacing it would
///   delete files era did not write
///   (a mistyped `--out .` would take a project folder with it);
/// - not, and not containing, any input of the command.
public struct FolderOutputGuard: Sendable, Hashable {
    public var flag: String
    public var path: String
    /// A JSON file era writes into the folder, with a top-level `"format": markerFormat`.
    public var markerFile: String
    public var markerFormat: String
    /// The sub-folders era itself writes there (e.g. `Normalize`).
    public var ownSubfolders: Set<String>
    /// Every file era writes there, by path relative to the folder (`Normalize/config.json`).
    public var ownFiles: Set<String>
    public var inputs: [OutputGuard.Input]
    /// How the front end spells the override in its advice (`--force` on the command line).
    public var forceFlag: String

    public init(
        flag: String, path: String, markerFile: String, markerFormat: String, ownSubfolders: Set<String>,
        ownFiles: Set<String>, inputs: [OutputGuard.Input], forceFlag: String
    ) {
        self.flag = flag
        self.path = path
        self.markerFile = markerFile
        self.markerFormat = markerFormat
        self.ownSubfolders = ownSubfolders
        self.ownFiles = ownFiles
        self.inputs = inputs
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
        guard isEras else {
            throw refusal(
                "is a folder era did not write (no \(markerFile) with \"format\": \"\(markerFormat)\"), holding "
                    + "\(Self.listed(entries.sorted())); era never deletes files it did not write, even with "
                    + "\(forceFlag): give \(flag) the path of a new folder, or move those files away")
        }
        let foreign = foreignFiles()
        guard foreign.isEmpty else {
            throw refusal(
                "is a folder era wrote, but it also holds \(Self.listed(foreign)), which era did not write and "
                    + "would delete with the old folder, even with \(forceFlag): move them out of \(path), or give "
                    + "\(flag) the path of a new folder")
        }
    }

    /// What the folder holds beside era's files, as relative paths, sorted.
    private func foreignFiles() -> [String] {
        let paths = FileManager.default.subpaths(atPath: path) ?? []
        return paths.filter { !ownFiles.contains($0) && !ownSubfolders.contains($0) }.sorted()
    }

    private static func listed(_ names: [String]) -> String {
        names.prefix(3).joined(separator: ", ") + (names.count > 3 ? " and \(names.count - 3) more" : "")
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
