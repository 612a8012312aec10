import Foundation

/// Locates `../shared/data/scifact` (relative to the package root) for tests that
/// use the real embeddings. On a fresh machine it does not exist and such tests skip.
public enum SharedData {
    /// The package root: two levels above this file's directory.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared/data/scifact` if present, else nil. `ERA_SHARED_DATA` overrides the location.
    public static var scifact: URL? {
        let env = ProcessInfo.processInfo.environment["ERA_SHARED_DATA"]
        let url =
            env.map { URL(fileURLWithPath: $0) }
            ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data/scifact")
        return FileManager.default.fileExists(atPath: url.appendingPathComponent("corpus_ids.txt").path) ? url : nil
    }

    /// Human-readable reason used in `.enabled(if:)` traits.
    public static let skipReason = "../shared/data/scifact not found: tests on the real SciFact embeddings are skipped"
}
