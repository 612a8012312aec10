import EmbeddingIO
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The files of one run directory and the crash-safe ways to change them.
///
/// Every file is written to a temporary name and renamed into place (EmbeddingIO's `AtomicFile`);
/// a stage's artifacts are written into a private staging folder that replaces the stage's folder
/// with renames only after the stage has finished. A run killed at any moment therefore leaves
/// either the old or the new version of each file and folder, plus leftovers with reserved names
/// (`.staging-*`, `.replaced-*`, `.*.tmp-*`) that the next run removes.
struct RunDirectory {
    let url: URL

    static let manifestName = "manifest.json"
    static let stageRecordName = "stage.json"
    static let logName = "log.txt"
    /// Written into every stage folder era makes: the proof, checked before era moves a folder
    /// aside, that it is era's to replace (`output:` may be a folder holding the user's own files).
    static let stageMarkerName = ".era-stage"

    init(url: URL) throws {
        self.url = url
        if let problem = Directories.create(url.path) {
            throw PipelineRunError(
                "cannot use the run directory \(url.path): \(problem); set output: in the pipeline (or --set output=...) to a folder"
            )
        }
    }

    func file(_ name: String) -> URL {
        url.appendingPathComponent(name)
    }

    func stageFolder(_ stage: String) -> URL {
        url.appendingPathComponent(stage, isDirectory: true)
    }

    /// Takes an exclusive lock on the directory for the life of the returned descriptor
    /// (released by the kernel even when the process is killed).
    /// - Throws: when another process holds it.
    func lock() throws -> Int32 {
        let path = file(".lock").path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw PipelineRunError("cannot open the lock file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw PipelineRunError("another era run is using \(url.path); wait for it to finish")
        }
        return fd
    }

    func unlock(_ fd: Int32) {
        flock(fd, LOCK_UN)
        close(fd)
    }

    /// Removes what a killed run of era left behind, and nothing else: staging and replaced stage
    /// folders (`.staging-<stage>-<tag>`, `.replaced-<stage>-<tag>`) that are empty or carry era's
    /// stage marker, and temporary files of run files (`.<run file>.tmp-<pid>-<tag>`) whose writing
    /// process is gone. Call it only on a directory that was era's before this run: in a user's
    /// folder a name like these is the user's.
    func removeLeftovers() {
        let fileManager = FileManager.default
        let names = (try? fileManager.contentsOfDirectory(atPath: url.path)) ?? []
        for name in names {
            if name.hasPrefix(".staging-") || name.hasPrefix(".replaced-") {
                let folder = file(name)
                let entries = (try? fileManager.contentsOfDirectory(atPath: folder.path)) ?? ["?"]
                guard entries.isEmpty || Self.isRegularFile(folder.appendingPathComponent(Self.stageMarkerName))
                else { continue }
                try? fileManager.removeItem(at: folder)
            } else if name.hasPrefix("."), let range = name.range(of: ".tmp-") {
                let written = String(name[name.index(after: name.startIndex)..<range.lowerBound])
                if RunFileNames.isRunFile(written) { AtomicFile.removeStaleTemporaries(of: file(written)) }
            }
        }
    }

    /// Removes the run's summary files (metrics.json, the reports and their charts) and returns their
    /// names: after a failed stage they would describe the previous run, not this configuration.
    @discardableResult
    func removeRunSummaries() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.sorted().filter { name in
            guard RunFileNames.isSummary(name), Self.isRegularFile(file(name)) else { return false }
            return (try? FileManager.default.removeItem(at: file(name))) != nil
        }
    }

    /// Removes a stage's folder when it is era's and holds nothing else (``checkReplaceable(_:)``), the way
    /// a commit replaces it (renamed aside, then deleted); returns whether it did. Before a stage whose
    /// outputs it reads runs again: the folder describes the previous configuration, and a run killed
    /// before the stage ran again left it beside the new outputs.
    @discardableResult
    func removeStale(_ stage: String) -> Bool {
        let folder = stageFolder(stage)
        guard FileManager.default.fileExists(atPath: folder.path), (try? checkReplaceable(stage)) != nil else {
            return false
        }
        let aside = file(".replaced-\(stage)-\(UUID().uuidString.prefix(8))")
        guard (try? FileManager.default.moveItem(at: folder, to: aside)) != nil else { return false }
        syncDirectory()
        try? FileManager.default.removeItem(at: aside)
        return true
    }

    /// Whether `name` has the form of what a killed run leaves (staging, replaced, temporary); whether
    /// such an entry is era's, ``removeLeftovers()`` checks.
    static func isLeftover(_ name: String) -> Bool {
        name.hasPrefix(".staging-") || name.hasPrefix(".replaced-") || (name.hasPrefix(".") && name.contains(".tmp-"))
    }

    /// A fresh staging folder for one attempt at a stage, holding only the stage marker.
    func makeStaging(for stage: String) throws -> URL {
        let staging = file(".staging-\(stage)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: false)
        try Data(Self.markerHeader(stage).utf8).write(to: staging.appendingPathComponent(Self.stageMarkerName))
        return staging
    }

    /// Puts a finished staging folder in the stage's place: the old folder (if any) is renamed
    /// aside, the staging folder renamed into place, then the old one deleted. Each step is a
    /// rename, so the stage folder is always either complete-old, absent, or complete-new.
    func commit(staging: URL, as stage: String) throws {
        let target = stageFolder(stage)
        let fileManager = FileManager.default
        var replaced: URL?
        try checkReplaceable(stage)
        try writeMarker(listingEntriesOf: staging, stage: stage)
        if fileManager.fileExists(atPath: target.path) {
            let aside = file(".replaced-\(stage)-\(UUID().uuidString.prefix(8))")
            try move(target, aside)
            replaced = aside
        }
        try move(staging, target)
        syncDirectory()
        if let replaced { try? fileManager.removeItem(at: replaced) }
    }

    /// Writes `data` to `name` in the run directory atomically.
    func write(_ data: Data, to name: String) throws {
        try AtomicFile.write(data, to: file(name))
    }

    private func move(_ from: URL, _ to: URL) throws {
        guard rename(from.path, to.path) == 0 else {
            throw PipelineRunError("cannot rename \(from.path) to \(to.path): \(String(cString: strerror(errno)))")
        }
    }

    private func syncDirectory() {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
    }
}
