import EmbeddingIO
import Foundation

/// `era init DIR`: writes `era-data.yaml` (the models and every file, with how each was recognised
/// and TODOs for what was not) and `era-pipeline.yaml` (align, adapt, evaluate, export on the
/// built-in presets) into the folder. Paths are relative to the folder, so the pipeline runs from
/// any working directory. An existing file is never replaced unless `force` is set, and even then
/// only a file `era init` wrote (its first line is ``marker``).
package enum DataFolderInit {
    package static let dataFile = "era-data.yaml"
    package static let pipelineFile = "era-pipeline.yaml"
    /// The first line of every file `era init` writes: the mark `--force` looks for.
    package static let marker = "# Written by era init."

    /// What was written.
    package struct Written: Sendable {
        package var plan: DataFolderPlan
        package var data: URL
        package var pipeline: URL
    }

    /// Surveys `folder`, plans, and writes both files.
    /// - Throws: ``InitError`` when the folder cannot be read or a file may not be replaced.
    package static func run(folder: URL, force: Bool) throws -> Written {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw InitError("\(folder.path): not a folder; give the folder that holds your .npy, id and qrels files")
        }
        let survey: DataFolderSurvey
        do { survey = try DataFolderSurvey.scan(folder, skipping: [dataFile, pipelineFile]) } catch {
            throw InitError("\(folder.path): cannot list the folder: \(error.localizedDescription)")
        }
        guard !survey.tables.isEmpty else {
            throw InitError(
                "\(folder.path): no .npy file here; era init looks for the embeddings, ids and qrels in one folder")
        }
        let plan = DataFolderPlan(survey)
        let data = folder.appendingPathComponent(dataFile), pipeline = folder.appendingPathComponent(pipelineFile)
        for url in [data, pipeline] { try checkReplaceable(url, force: force) }
        try AtomicFile.write(Data(dataYAML(plan, survey: survey).utf8), to: data)
        try AtomicFile.write(Data(pipelineYAML(plan, folder: folder).utf8), to: pipeline)
        return Written(plan: plan, data: data, pipeline: pipeline)
    }

    /// Absent, or (with `force`) a regular file whose first line is ``marker``.
    static func checkReplaceable(_ url: URL, force: Bool) throws {
        // attributesOfItem does not follow a link: a dangling link is there too.
        guard (try? FileManager.default.attributesOfItem(atPath: url.path)) != nil else { return }
        guard force else {
            throw InitError(
                "\(url.path) exists: era init does not replace it (pass --force to replace a file era init wrote)")
        }
        let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .isSymbolicLinkKey])
        let head = (try? FileHandle(forReadingFrom: url)).flatMap { handle in
            defer { try? handle.close() }
            return try? handle.read(upToCount: marker.utf8.count)
        }
        guard values?.isRegularFile == true, values?.isSymbolicLink != true,
            head.map({ String(decoding: $0, as: UTF8.self) }) == marker
        else {
            throw InitError(
                "\(url.path) exists and was not written by era init (its first line is not \"\(marker)\"): "
                    + "not replaced, even with --force; move it away first")
        }
    }

    // MARK: - The files

    static func dataYAML(_ plan: DataFolderPlan, survey: DataFolderSurvey) -> String {
        var out = [
            marker,
            "# Your data for `era run` (docs/your-data.md). era init recognised each file by its shape, its ids",
            "# and the qrels (the comments say how); check them, and settle every TODO. Paths are relative to",
            "# this file's folder, so the pipeline runs from any working directory.",
        ]
        if !plan.todos.isEmpty {
            out.append("#")
            out += plan.todos.flatMap { wrapped("# TODO: ", $0) }
        }
        if !survey.unreadable.isEmpty {
            out.append("#")
            out += survey.unreadable.flatMap { wrapped("# not used: ", $0) }
        }
        out += ["models:"]
        for (key, model, role) in [("query", plan.queryModel, "query"), ("index", plan.indexModel, "index")] {
            out.append("  \(key):")
            if let model {
                out.append(
                    "    name: \(quoted(model.token))  # TODO: the \(role) model's name (free text, e.g. a Hugging Face id)"
                )
                out.append("    dim: \(model.dim)  # from the files' shapes")
            } else {
                out.append("    # TODO: name and dim of the \(role) model: no file of it was recognised")
            }
        }
        out.append("data:")
        func entry(_ indent: String, _ key: String, _ choice: DataFolderPlan.Choice?, todo: String? = nil) {
            if let choice {
                out.append("\(indent)\(key): \(quoted(choice.file))  # \(commentSafe(choice.why))")
            } else if let todo {
                out.append("\(indent)# \(key):  # TODO: \(commentSafe(todo))")
            }
        }
        out.append("  queries:")
        entry("    ", "embeddings", plan.queries, todo: "the queries embedded by the query model")
        entry("    ", "ids", plan.queryIds, todo: "the query ids, one a line, in row order")
        entry(
            "    ", "index_model_embeddings", plan.indexQueries,
            todo: "optional: the same queries embedded by the index model (the index as it is; a hybrid map)")
        out.append("  index:")
        entry("    ", "embeddings", plan.index, todo: "the documents embedded by the index model")
        entry("    ", "ids", plan.indexIds, todo: "the document ids, one a line, in row order")
        entry("    ", "query_model_embeddings", plan.reEmbeddedIndex)
        if plan.alignQuery != nil {
            out.append("  alignment:")
            entry("    ", "query_model", plan.alignQuery)
            entry("    ", "index_model", plan.alignIndex)
            entry("    ", "ids", plan.alignIds)
        } else {
            out.append("  # alignment:  # TODO: texts embedded by both models (query_model, index_model, ids)")
        }
        out.append("  qrels:")
        entry("    ", "labeled", plan.labeled, todo: "the judgments stage two learns from")
        entry("    ", "evaluation", plan.evaluation, todo: "the held-out judgments the verdict is measured on")
        return out.joined(separator: "\n") + "\n"
    }

    static func pipelineYAML(_ plan: DataFolderPlan, folder: URL) -> String {
        let path = (folder.appendingPathComponent(pipelineFile).path as NSString).standardizingPath
        return """
            \(marker)
            # align (no labels) -> adapt (the labeled qrels) -> evaluate (the evaluation qrels, with the
            # baselines and a verdict) -> export. The presets are built into era (`preset:NAME`), the data
            # file is next to this one: it runs from any folder.
            # Check:  era run \(commentSafe(DataFolderSurvey.shellWord(path))) --check
            # Run:    era run \(commentSafe(DataFolderSurvey.shellWord(path)))   (results in runs/\(plan.name)/ under the current folder)
            name: \(plan.name)
            include:
              - \(dataFile)
            seed: 0
            stages:
              - name: align
                extends: preset:align-default
              - name: adapt
                extends: preset:adapt-default
              - kind: evaluate
              - kind: export

            """
    }

    /// `text` as comment lines of at most about 100 columns, the first one starting with `lead`.
    static func wrapped(_ lead: String, _ text: String) -> [String] {
        let indent = "#" + String(repeating: " ", count: lead.count - 1)
        var lines: [String] = [], line = lead
        for word in commentSafe(text).split(separator: " ") {
            if line.count + word.count > 100, line != lead, line != indent {
                lines.append(line)
                line = indent
            }
            line += (line == lead || line == indent ? "" : " ") + word
        }
        return lines + [line]
    }

    /// `text` with every control character written as an escape (`\n`, `\u{7}`): a file name with a
    /// newline, written into a comment, ended the comment and put the rest of the name in the YAML.
    static func commentSafe(_ text: String) -> String {
        String(
            text.unicodeScalars.flatMap { scalar -> [Character] in
                guard CharacterSet.controlCharacters.contains(scalar) else { return [Character(scalar)] }
                return Array(scalar.escaped(asASCII: true))
            })
    }

    /// A YAML scalar: plain when it is safe, else double-quoted.
    static func quoted(_ text: String) -> String {
        let plain = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_./"))
        if !text.isEmpty, text.unicodeScalars.allSatisfy(plain.contains),
            !["true", "false", "null", "yes", "no"].contains(text.lowercased())
        {
            return text
        }
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        // A control character (a newline in a file name) as YAML's \uXXXX escape, read back as itself.
        let controls = escaped.unicodeScalars.map { scalar in
            CharacterSet.controlCharacters.contains(scalar) && scalar.value <= 0xFFFF
                ? String(format: "\\u%04X", scalar.value) : String(scalar)
        }
        return "\"\(controls.joined())\""
    }
}

extension DataFolderSurvey {
    /// A path as a shell reads it back (single-quoted unless plain).
    static func shellWord(_ path: String) -> String {
        StageCommandLine.quoted(path)
    }
}
