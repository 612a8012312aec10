import EmbeddingIO
import Foundation

extension RunDirectory {
    /// Throws unless the stage's folder is absent or provably era's: it holds the stage marker,
    /// or (folders made before markers existed) a `stage.json` recording this very stage.
    /// Checked for every stage before a run writes anything, so that a refused run leaves no trace.
    func checkOwned(_ stage: String) throws {
        let folder = stageFolder(stage)
        // attributesOfItem does not follow symlinks: a link named like the stage is the user's,
        // whatever it points to.
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: folder.path) else {
            if FileManager.default.fileExists(atPath: folder.path) { throw notEras(folder, stage) }
            return
        }
        let type = attributes[.type] as? FileAttributeType
        guard type == .typeDirectory,
            Self.isRegularFile(folder.appendingPathComponent(Self.stageMarkerName))
                || Self.recordNames(folder.appendingPathComponent(Self.stageRecordName), stage)
        else {
            throw notEras(folder, stage)
        }
    }

    /// Throws unless era may replace the stage's folder: it is absent, or era's (``checkOwned(_:)``)
    /// and holds nothing era did not write there (a user's notes beside the artifacts would go
    /// with the old folder). Called before a stage runs, so no work is wasted, and again before
    /// the commit renames.
    func checkReplaceable(_ stage: String) throws {
        try checkOwned(stage)
        let folder = stageFolder(stage)
        let foreign = foreignEntries(of: folder, stage: stage)
        guard !foreign.isEmpty else { return }
        let shown = foreign.prefix(5).map { folder.appendingPathComponent($0).path }.joined(separator: ", ")
        throw PipelineRunError(
            "\(shown)\(foreign.count > 5 ? " and \(foreign.count - 5) more" : "") "
                + "\(foreign.count == 1 ? "was" : "were") not written by era, and stage \"\(stage)\" must run again, "
                + "which replaces its whole folder: move \(foreign.count == 1 ? "it" : "them") out of \(folder.path) "
                + "and run again")
    }

    /// What the stage folder holds beside what era wrote there, sorted; empty when the folder is absent.
    func foreignEntries(of folder: URL, stage: String) -> [String] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        let eras = Self.erasEntries(of: folder)
        return entries.filter { !eras.contains($0) }.sorted()
    }

    /// The first line of a stage folder's marker.
    static func markerHeader(_ stage: String) -> String { "era stage folder \(stage)\n" }

    /// Rewrites the marker of a finished staging folder with the names of everything in it, so
    /// that a later run tells era's files from a user's (``foreignEntries(of:stage:)``).
    func writeMarker(listingEntriesOf staging: URL, stage: String) throws {
        let entries = try FileManager.default.contentsOfDirectory(atPath: staging.path).sorted()
        let text = Self.markerHeader(stage) + "files:\n" + entries.map { "\($0)\n" }.joined()
        try AtomicFile.write(Data(text.utf8), to: staging.appendingPathComponent(Self.stageMarkerName))
    }

    /// The names era wrote in a stage folder: the marker's listing; for a folder committed before
    /// listings, the artifacts its `stage.json` declares and era's own files.
    static func erasEntries(of folder: URL) -> Set<String> {
        var names: Set<String> = [stageMarkerName, stageRecordName, logName]
        let marker = folder.appendingPathComponent(stageMarkerName)
        if let text = try? String(contentsOf: marker, encoding: .utf8), let listing = text.range(of: "\nfiles:\n") {
            names.formUnion(text[listing.upperBound...].split(separator: "\n").map(String.init))
            return names
        }
        let record = folder.appendingPathComponent(stageRecordName)
        if let data = FileManager.default.contents(atPath: record.path),
            let decoded = try? JSONDecoder().decode(StageRecord.self, from: data)
        {
            names.formUnion(
                decoded.output.artifacts.values.compactMap { $0.split(separator: "/").first.map(String.init) })
        }
        return names
    }

    private func notEras(_ folder: URL, _ stage: String) -> PipelineRunError {
        PipelineRunError(
            "\(folder.path) exists and was not written by era (it has no \(Self.stageMarkerName) marker), "
                + "so era will not replace it with stage \"\(stage)\"; rename the stage, set `output:` to a folder "
                + "of its own, or move \(folder.path) away yourself")
    }

    static func isRegularFile(_ url: URL) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: url.path)[.type] as? FileAttributeType) == .typeRegular
    }

    private static func recordNames(_ url: URL, _ stage: String) -> Bool {
        guard isRegularFile(url), let data = FileManager.default.contents(atPath: url.path),
            let record = try? JSONDecoder().decode(StageRecord.self, from: data)
        else { return false }
        return record.name == stage
    }
}

extension RunDirectory {
    /// `<stage>.failed.log`, kept beside the run when a stage fails.
    func failedLog(_ stage: String) -> URL {
        file("\(stage).failed.log")
    }

    /// Removes the stage's failed log only if it is era's: a regular file opening with the line
    /// era writes first (`[    0.0s] stage <name> (`); a user's file of that name stays.
    func removeFailedLog(_ stage: String) {
        let url = failedLog(stage)
        guard Self.isRegularFile(url), let handle = FileHandle(forReadingAtPath: url.path) else { return }
        let head = (try? handle.read(upToCount: 256)) ?? nil
        try? handle.close()
        let firstLine = head.map { String(decoding: $0, as: UTF8.self) }?.split(separator: "\n").first ?? ""
        guard firstLine.hasPrefix("["), firstLine.contains("s] stage \(stage) (") else { return }
        try? FileManager.default.removeItem(at: url)
    }
}

extension RunDirectory {
    /// Marks a run directory as era's, so its run files may be replaced on later runs.
    static let runMarkerName = ".era-run"

    /// Makes sure era may write its run files (manifest, metrics, reports, charts) here, then marks
    /// the directory as era's. A directory is era's when it carries the run marker or a manifest
    /// era can read (runs made before the marker); otherwise `output:` is someone's folder, and any
    /// file there with a run file's name is the user's and stops the run.
    func claim() throws {
        if Self.isRegularFile(file(Self.runMarkerName)) { return }
        if isClaimed { return try write(Data("era run directory\n".utf8), to: Self.runMarkerName) }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        let clashing = names.filter { RunFileNames.collision(forStage: $0) != nil && !$0.hasSuffix(".failed.log") }
        if !clashing.isEmpty {
            throw PipelineRunError(
                "\(url.path) holds \(clashing.sorted().joined(separator: ", ")), which era did not "
                    + "write (the folder has no \(Self.runMarkerName) marker) and would replace with its run files; "
                    + "set `output:` to a new or empty folder, or move those files away")
        }
        try write(Data("era run directory\n".utf8), to: Self.runMarkerName)
    }

    /// Whether the directory is era's: it carries the run marker, or a manifest era can read (runs
    /// made before the marker).
    var isClaimed: Bool {
        if Self.isRegularFile(file(Self.runMarkerName)) { return true }
        let manifest = file(Self.manifestName)
        return Self.isRegularFile(manifest)
            && (try? JSONDecoder().decode(RunManifest.self, from: Data(contentsOf: manifest))) != nil
    }
}
