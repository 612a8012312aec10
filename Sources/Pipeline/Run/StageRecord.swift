import EmbeddingIO
import Foundation

/// `<stage>/stage.json`: committed together with the artifacts, so it always describes them.
struct StageRecord: Codable, Hashable {
    var name: String
    var kind: StageKind
    var fingerprint: String
    var output: StageOutput
    /// SHA-256 of each artifact as committed (a folder: of its files' paths and hashes), by file
    /// name; a stage whose artifacts no longer match runs again. nil in records written before it.
    var artifactHashes: [String: String]? = nil

    enum CodingKeys: String, CodingKey {
        case name, kind, fingerprint, output
        case artifactHashes = "artifact_hashes"
    }

    /// The hashes of `artifacts` (file names relative to `folder`); nil for one that cannot be read.
    static func hashes(of artifacts: [String: String], in folder: URL) -> [String: String]? {
        var hashes: [String: String] = [:]
        for name in Set(artifacts.values) {
            guard let hash = hash(of: folder.appendingPathComponent(name)) else { return nil }
            hashes[name] = hash
        }
        return hashes
    }

    /// SHA-256 of a file's bytes; of a folder, of its files' relative paths and hashes in order.
    static func hash(of url: URL) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return nil }
        guard isDirectory.boolValue else { return try? SHA256.hex(fileAt: url.path) }
        guard let paths = FileManager.default.subpaths(atPath: url.path) else { return nil }
        var digest = SHA256()
        for path in paths.sorted() {
            let child = url.appendingPathComponent(path)
            var childIsDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: child.path, isDirectory: &childIsDirectory),
                childIsDirectory.boolValue
            {
                continue
            }
            guard let childHash = try? SHA256.hex(fileAt: child.path) else { return nil }
            digest.update("\(path)\u{0}\(childHash)\n")
        }
        return digest.hexDigest()
    }
}
