import Foundation

extension RunDirectory {
    /// Throws unless the stage's folder is absent or provably era's: it holds the stage marker,
    /// or (folders made before markers existed) a `stage.json` recording this very stage.
    /// Called before a stage runs, so no work is wasted, and again before the commit renames.
    func checkReplaceable(_ stage: String) throws {
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

    private func notEras(_ folder: URL, _ stage: String) -> PipelineRunError {
        PipelineRunError(
            "\(folder.path) exists and was not written by era (it has no \(Self.stageMarkerName) marker), "
                + "so era will not replace it with stage \"\(stage)\"; rename the stage, set `output:` to a folder "
                + "of its own, or move \(folder.path) away yourself")
    }

    private static func isRegularFile(_ url: URL) -> Bool {
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
        let marker = file(Self.runMarkerName)
        if Self.isRegularFile(marker) { return }
        let manifest = file(Self.manifestName)
        let isEras =
            Self.isRegularFile(manifest)
            && (try? JSONDecoder().decode(RunManifest.self, from: Data(contentsOf: manifest))) != nil
        if !isEras {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
            let clashing = names.filter { RunFileNames.collision(forStage: $0) != nil && !$0.hasSuffix(".failed.log") }
            if !clashing.isEmpty {
                throw PipelineRunError(
                    "\(url.path) holds \(clashing.sorted().joined(separator: ", ")), which era did not "
                        + "write (the folder has no \(Self.runMarkerName) marker) and would replace with its run files; "
                        + "set `output:` to a new or empty folder, or move those files away")
            }
        }
        try write(Data("era run directory\n".utf8), to: Self.runMarkerName)
    }
}
