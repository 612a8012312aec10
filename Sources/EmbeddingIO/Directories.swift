import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Creating output folders with errors a person can read.
///
/// Foundation's failure on Linux prints as "The operation could not be completed" with an
/// NSCocoaErrorDomain code; a user whose `--out-dir` or runs path is a file needs to hear that.
public enum Directories {
    /// Creates `path` and any missing parents.
    /// - Returns: nil on success, else one line saying why (e.g. "x is a file, not a folder").
    public static func create(_ path: String) -> String? {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            return isDirectory.boolValue ? nil : "\(path) is a file, not a folder"
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            return nil
        } catch {
            return "cannot create \(path): " + reason(for: path, error: error)
        }
    }

    /// The first existing ancestor that is not a folder, or the POSIX reason under Foundation's error.
    private static func reason(for path: String, error: any Error) -> String {
        var prefix = URL(fileURLWithPath: path).standardizedFileURL
        var ancestors: [String] = []
        while prefix.path != "/" && !prefix.path.isEmpty {
            prefix.deleteLastPathComponent()
            ancestors.append(prefix.path)
        }
        for ancestor in ancestors.reversed() {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: ancestor, isDirectory: &isDirectory), !isDirectory.boolValue {
                return "\(ancestor) is a file, not a folder"
            }
        }
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain
        {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
        return nsError.localizedFailureReason ?? nsError.localizedDescription
    }
}
