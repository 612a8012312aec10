import Alignment
import ConfigDecoding
import EmbeddingIO
import Foundation
import Workflows

/// Checks the files a configuration names: that they exist, that `.npy` headers are 2-D arrays,
/// and that dimensions agree with each other, with the declared model dimensions and with the
/// number of ids. Reads the files through the run's `InputFiles` (so the run that follows reads
/// none of them again): `.npy` headers (EmbeddingIO's `Npy.readHeader`, which also checks the file
/// size against the shape) and the id files (`IdList.read`: no blank or repeated ids).
struct DataFileChecker {
    let log: ProblemLog
    let files: InputFiles

    private enum Axis: String {
        case query = "models.query.dim"
        case index = "models.index.dim"
    }

    func check(_ config: PipelineConfig) {
        checkOutputHoldsNoInputs(config)
        var missing = Set<String>()
        for (keyPath, file) in config.data.files {
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory) {
                // Later stores are asked first: a scheme of their own (`postgresql:`) is more
                // specific than Chroma's web address.
                let hint = IndexStores.all.reversed().lazy.compactMap { $0.notAFileHint(file.path) }.first ?? ""
                log.add(file.location, keyPath, "file not found: \(file.path)\(hint)")
                missing.insert(file.path)
            } else if isDirectory.boolValue {
                log.add(file.location, keyPath, "expected a file, found a directory: \(file.path)")
                missing.insert(file.path)
            }
        }

        var shapes: [String: [Int]] = [:]
        func shape(_ keyPath: String, _ file: DataFile?) -> (rows: Int, columns: Int)? {
            guard let file, !missing.contains(file.path) else { return nil }
            if let known = shapes[file.path] { return (known[0], known[1]) }
            do {
                let header = try files.npyHeader(file.path)
                guard header.shape.count == 2 else {
                    log.add(
                        file.location, keyPath,
                        "expected a 2-D array of embeddings, got shape (\(header.shape.map(String.init).joined(separator: ", "))) in \(file.path)"
                    )
                    missing.insert(file.path)
                    return nil
                }
                if header.dtype == nil {
                    log.add(
                        file.location, keyPath,
                        "unsupported element type '\(header.descr)' (expected <f4, <f2 or <f8) in \(file.path)")
                }
                shapes[file.path] = header.shape
                return (header.shape[0], header.shape[1])
            } catch {
                log.add(file.location, keyPath, Self.message(of: error))
                missing.insert(file.path)
                return nil
            }
        }
        var idCounts: [String: Int] = [:]
        func idCount(_ keyPath: String, _ file: DataFile?) -> Int? {
            guard let file, !missing.contains(file.path) else { return nil }
            if let known = idCounts[file.path] { return known }
            do {
                let count = try files.ids(file.path).count
                idCounts[file.path] = count
                return count
            } catch {
                log.add(file.location, keyPath, Self.message(of: error))
                missing.insert(file.path)
                return nil
            }
        }

        let data = config.data
        // Columns: every file of one model must have that model's dimension.
        var reference: [Axis: (columns: Int, source: String)] = [:]
        if let dim = config.models.query.dim { reference[.query] = (dim, Axis.query.rawValue) }
        if let dim = config.models.index.dim { reference[.index] = (dim, Axis.index.rawValue) }
        let byModel: [(Axis, String, DataFile?)] = [
            (.query, "data.queries.embeddings", data.queries?.embeddings),
            (.query, "data.alignment.query_model", data.alignment?.queryModel),
            (.query, "data.index.query_model_embeddings", data.index?.queryModelEmbeddings),
            (.index, "data.index.embeddings", data.index?.embeddings),
            (.index, "data.alignment.index_model", data.alignment?.indexModel),
            (.index, "data.queries.index_model_embeddings", data.queries?.indexModelEmbeddings),
        ]
        // Without a declared dimension, the dimension most files agree on is the reference.
        for axis in [Axis.query, .index] where reference[axis] == nil {
            let found = byModel.filter { $0.0 == axis }.compactMap { entry in
                shape(entry.1, entry.2).map { (entry.1, $0.columns) }
            }
            let counts = Dictionary(found.map { ($0.1, 1) }, uniquingKeysWith: +)
            if let most = counts.values.max(), let first = found.first(where: { counts[$0.1] == most }) {
                reference[axis] = (first.1, first.0)
            }
        }
        for (axis, keyPath, file) in byModel {
            guard let file, let (_, columns) = shape(keyPath, file), let expected = reference[axis],
                expected.source != keyPath, expected.columns != columns
            else { continue }
            let model = axis == .query ? "query" : "index"
            log.add(
                file.location, keyPath,
                "has \(columns) columns but \(expected.source) is \(expected.columns) (both are the \(model) model's dimension)"
            )
        }

        // Values: a NaN or infinite entry makes every score of its row meaningless (a broken index
        // row still ranked, and a verdict followed); the scan shares the run's one read of the file.
        for (_, keyPath, file) in byModel {
            guard let file, shape(keyPath, file) != nil, !missing.contains(file.path) else { continue }
            do { _ = try files.embeddings(file.path, checked: true) } catch {
                log.add(file.location, keyPath, Self.message(of: error))
                missing.insert(file.path)
            }
        }

        // Rows: embeddings and their ids, and the matched pairs, must have equal counts.
        func sameRows(_ aPath: String, _ a: DataFile?, _ bPath: String, _ b: DataFile?, bIsIds: Bool) {
            guard let a, let b, let (rows, _) = shape(aPath, a) else { return }
            let other: Int?
            if bIsIds { other = idCount(bPath, b) } else { other = shape(bPath, b)?.rows }
            guard let other, other != rows else { return }
            let what = bIsIds ? "\(other) ids" : "\(other) rows"
            log.add(b.location, bPath, "has \(what) but \(aPath) has \(rows) rows")
        }
        sameRows(
            "data.queries.embeddings", data.queries?.embeddings, "data.queries.ids", data.queries?.ids, bIsIds: true)
        sameRows(
            "data.queries.embeddings", data.queries?.embeddings,
            "data.queries.index_model_embeddings", data.queries?.indexModelEmbeddings, bIsIds: false)
        sameRows("data.index.embeddings", data.index?.embeddings, "data.index.ids", data.index?.ids, bIsIds: true)
        sameRows(
            "data.index.embeddings", data.index?.embeddings,
            "data.index.query_model_embeddings", data.index?.queryModelEmbeddings, bIsIds: false)
        // Unpaired alignment reads two tables of different texts: their row counts may differ.
        let unpaired = config.stages.contains { stage in
            if case .align(let options) = stage.options { return options.pairing == .unpaired }
            return false
        }
        if !unpaired {
            sameRows(
                "data.alignment.query_model", data.alignment?.queryModel,
                "data.alignment.index_model", data.alignment?.indexModel, bIsIds: false)
            sameRows(
                "data.alignment.query_model", data.alignment?.queryModel, "data.alignment.ids", data.alignment?.ids,
                bIsIds: true)
        }

        // The low-rank family's rank is bounded by the data's dimensions (the library's rule,
        // AdaptSettings.validated(queryDimension:indexDimension:)): known here from the headers.
        if let p = shape("data.queries.embeddings", data.queries?.embeddings)?.columns,
            let m = shape("data.index.embeddings", data.index?.embeddings)?.columns
        {
            for stage in config.stages {
                // A rank out of its declared range is already reported where it was decoded.
                guard case .adapt(let options) = stage.options, options.map == .lowRank,
                    options.settings.problems().isEmpty
                else { continue }
                do {
                    _ = try options.settings(seed: 0).validated(queryDimension: p, indexDimension: m)
                } catch AlignmentError.invalidParameter(name: "rank", let value, let reason) {
                    log.add(stage.location, "stages.\(stage.name).options.rank", "rank \(value) \(reason)")
                } catch {
                    // Other settings are judged where they are decoded.
                }
            }
        }

        // Qrels are read whole only when a stage runs; a binary file (an .npy given by mistake)
        // is cheap to spot from its first bytes, so `--check` refuses it.
        for (keyPath, file) in [
            ("data.qrels.labeled", data.qrels.labeled), ("data.qrels.evaluation", data.qrels.evaluation),
        ] {
            guard let file, !missing.contains(file.path), looksBinary(file.path) else { continue }
            log.add(
                file.location, keyPath,
                "\(file.path) is not a text file (NUL bytes or invalid UTF-8 in its first 4 KB); expected BEIR TSV (query-id, corpus-id, score) or TREC qrels"
            )
        }
    }

    /// The run directory (`output:`) must not hold an input file: era would mix its run files
    /// among the user's data (and a stage folder could be named like a data folder).
    func checkOutputHoldsNoInputs(_ config: PipelineConfig) {
        guard let output = config.output else { return }
        let folder = Self.resolved(output)
        let inside = config.data.files.filter { Self.resolved($0.file.path).hasPrefix(folder + "/") }
        guard let first = inside.first else { return }
        let named = inside.prefix(3).map { "\($0.keyPath) (\($0.file.path))" }.joined(separator: ", ")
        log.add(
            first.file.location, "output",
            "the run folder \(output) holds \(inside.count) input file\(inside.count == 1 ? "" : "s"): \(named)"
                + "\(inside.count > 3 ? ", ..." : ""); era would write its run files among them: set output: "
                + "to a folder of its own (e.g. runs/\(config.name))")
    }

    /// The absolute path without `.`, `..` or symbolic links, and without a trailing slash.
    static func resolved(_ path: String) -> String {
        let standard = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        return standard.count > 1 && standard.hasSuffix("/") ? String(standard.dropLast()) : standard
    }

    /// Whether the first 4 KB of `path` hold a NUL byte or are not UTF-8 (a character cut at the
    /// end of the sample is allowed). False when the file cannot be read: the run reports that.
    func looksBinary(_ path: String) -> Bool {
        // Only regular files: a pipe (`<(...)`) would block here.
        guard (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeRegular
        else {
            return false
        }
        guard let sample = try? files.content(path).prefix(4096), !sample.isEmpty else { return false }
        if sample.contains(0) { return true }
        // Drop up to 3 trailing bytes of a multi-byte character the sample may have cut.
        for cut in 0...min(3, sample.count - 1) where String(data: sample.dropLast(cut), encoding: .utf8) != nil {
            return false
        }
        return true
    }

    /// EmbeddingIO's message (it already names the file), or the error's description.
    static func message(of error: any Error) -> String {
        if let error = error as? EmbeddingIOError { return error.description }
        return "\(error)"
    }
}
