import Foundation

/// Path arithmetic on plain strings (no file system access), so the same rules hold on every platform.
package enum ConfigPaths {
    /// `path` made absolute against `base` (itself absolute), with `.` and `..` components removed.
    package static func absolute(_ path: String, relativeTo base: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        let joined = expanded.hasPrefix("/") ? expanded : base + "/" + expanded
        return normalize(joined)
    }

    /// Removes `.`, `..` and empty components of an absolute path.
    package static func normalize(_ absolutePath: String) -> String {
        var parts: [Substring] = []
        for part in absolutePath.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The directory containing an absolute file path.
    package static func directory(of absolutePath: String) -> String {
        let parent = (absolutePath as NSString).deletingLastPathComponent
        return parent.isEmpty ? "/" : parent
    }

    /// How to show an absolute path to the user: relative to `currentDirectory` when it lies
    /// inside it, else absolute.
    package static func display(_ absolutePath: String, currentDirectory: String) -> String {
        let cwd = normalize(currentDirectory)
        if cwd == "/" { return String(absolutePath.dropFirst()) }
        if absolutePath.hasPrefix(cwd + "/") { return String(absolutePath.dropFirst(cwd.count + 1)) }
        return absolutePath
    }

    /// The process's current directory, absolute.
    package static var currentDirectory: String {
        normalize(FileManager.default.currentDirectoryPath)
    }
}
