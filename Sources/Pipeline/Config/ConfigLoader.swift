import ConfigDecoding
import Foundation

/// Reads a pipeline file and everything it pulls in (`extends:`, `include:`, a stage's `extends:`)
/// into one merged `ConfigNode`, collecting problems instead of stopping at the first.
///
/// Precedence, lowest first: the `extends:` parent, then each `include:` in order, then the file
/// itself (and, applied later, `--set` overrides). Mappings merge key by key, recursively; a list
/// or a scalar replaces whatever it overrides (so a file that writes `stages:` replaces the whole
/// list). A stage's `extends:` names a preset whose mapping lies beneath that stage's own keys.
/// Relative paths in `extends:`/`include:` are resolved against the file that writes them.
struct ConfigLoader {
    let currentDirectory: String
    let log: ProblemLog

    /// Loads a pipeline file and resolves `extends:`/`include:` at its root and in its stages.
    /// Returns nil when the file itself cannot be read or parsed (the problem is recorded).
    func loadPipeline(path: String) -> ConfigNode? {
        let absolute = ConfigPaths.absolute(path, relativeTo: currentDirectory)
        let display = ConfigPaths.display(absolute, currentDirectory: currentDirectory)
        guard
            var root = loadDocument(
                absolutePath: absolute, display: display, chain: [],
                reference: nil, referencePath: "")
        else { return nil }
        resolveStagePresets(in: &root)
        return root
    }

    // MARK: - Documents

    /// Loads one file, then merges beneath it its `extends:` parent and its `include:` fragments.
    /// `reference` is where the file was named (nil for the pipeline file itself).
    private func loadDocument(
        absolutePath: String, display: String, chain: [String],
        reference: ConfigNode?, referencePath: String, builtInText: String? = nil
    ) -> ConfigNode? {
        if chain.contains(absolutePath) {
            let cycle = (chain + [absolutePath]).map { ConfigPaths.display($0, currentDirectory: currentDirectory) }
            report(
                at: reference, path: referencePath, file: display,
                "include cycle: \(cycle.joined(separator: " -> "))")
            return nil
        }
        let data: Data
        if let builtInText {
            data = Data(builtInText.utf8)
        } else {
            switch ConfigFile.load(absolutePath, display: display) {
            case .success(let bytes): data = bytes
            case .failure(let refusal):
                let builtIn = BuiltInPresets.replacement(forMissing: absolutePath).map {
                    " (era has this preset built in: write `\(referencePath.isEmpty ? "extends" : referencePath): \($0)`, "
                        + "which works from any folder)"
                }
                report(at: reference, path: referencePath, file: display, refusal.message + (builtIn ?? ""))
                return nil
            }
        }
        guard let text = String(data: data, encoding: .utf8) else {
            report(at: reference, path: referencePath, file: display, "\(display) is not UTF-8 text")
            return nil
        }
        let node: ConfigNode
        do {
            node = try ConfigNode.parse(
                yaml: text, file: display,
                baseDirectory: builtInText == nil
                    ? ConfigPaths.directory(of: absolutePath) : BuiltInPresets.baseDirectory)
        } catch {
            log.append(contentsOf: error.problems)
            return nil
        }
        guard node.entries != nil else {
            log.add(
                node.location, "", "expected a mapping of keys at the top of the file, got \(node.describedForMessage)")
            return nil
        }
        return mergingReferences(of: node, keys: ["extends", "include"], chain: chain + [absolutePath])
    }

    /// `node` with what its `keys` name (`extends:` a parent, `include:` fragments) merged beneath
    /// it, in the order of `keys`; `prefix` starts the key paths of messages.
    private func mergingReferences(
        of node: ConfigNode, keys: [String], prefix: String = "", chain: [String]
    ) -> ConfigNode {
        guard var entries = node.entries else { return node }
        var base = ConfigNode(value: .mapping([]), location: node.location, baseDirectory: node.baseDirectory)
        for key in keys {
            guard let index = entries.firstIndex(where: { $0.key == key }) else { continue }
            let value = entries.remove(at: index).value
            var items = [(value, prefix + key)]
            if key == "include", case .sequence(let elements) = value.value {
                items = elements.enumerated().map { ($1, "\(prefix)include[\($0)]") }
            }
            for (item, path) in items {
                if let referenced = loadReferenced(item, keyPath: path, chain: chain) {
                    base = Self.merge(base, referenced)
                }
            }
        }
        var own = node
        own.value = .mapping(entries)
        return Self.merge(base, own)
    }

    /// Loads the file a string node names, relative to the file that wrote it, or the built-in
    /// preset `preset:NAME` names (a built-in preset's own references are built-in presets too).
    private func loadReferenced(_ node: ConfigNode, keyPath: String, chain: [String]) -> ConfigNode? {
        guard case .scalar(.string(let relative), _) = node.value, !relative.isEmpty else {
            log.add(node.location, keyPath, "expected a file path or preset:NAME, got \(node.describedForMessage)")
            return nil
        }
        let fromBuiltIn = node.baseDirectory == BuiltInPresets.baseDirectory
        if let name = BuiltInPresets.name(in: relative) ?? (fromBuiltIn ? relative : nil) {
            guard let text = BuiltInPresets.text(named: name) else {
                log.add(
                    node.location, keyPath,
                    "era has no built-in preset \"\(name)\" (built in: "
                        + BuiltInPresets.names.map { BuiltInPresets.prefix + $0 }.joined(separator: ", ") + ")")
                return nil
            }
            let reference = BuiltInPresets.prefix + (name.hasSuffix(".yaml") ? String(name.dropLast(5)) : name)
            return loadDocument(
                absolutePath: reference, display: reference, chain: chain,
                reference: node, referencePath: keyPath, builtInText: text)
        }
        let absolute = ConfigPaths.absolute(relative, relativeTo: node.baseDirectory)
        let display = ConfigPaths.display(absolute, currentDirectory: currentDirectory)
        return loadDocument(
            absolutePath: absolute, display: display, chain: chain,
            reference: node, referencePath: keyPath)
    }

    /// Replaces each stage's `extends: preset.yaml` by the preset's mapping merged beneath the stage.
    private func resolveStagePresets(in root: inout ConfigNode) {
        guard var rootEntries = root.entries,
            let stagesIndex = rootEntries.firstIndex(where: { $0.key == "stages" }),
            let stages = rootEntries[stagesIndex].value.elements
        else { return }
        let resolved = stages.enumerated().map { i, stage in
            mergingReferences(of: stage, keys: ["extends"], prefix: "stages[\(i)].", chain: [])
        }
        rootEntries[stagesIndex].value.value = .sequence(resolved)
        root.value = .mapping(rootEntries)
    }

    private func report(at reference: ConfigNode?, path: String, file: String, _ message: String) {
        log.add(reference?.location ?? SourceLocation(file: file, line: 0, column: 0), path, message)
    }

    // MARK: - Merge

    /// `over` on top of `base`: mappings merge key by key (recursively), anything else replaces.
    /// Every value keeps the location of the file that wrote it.
    static func merge(_ base: ConfigNode, _ over: ConfigNode) -> ConfigNode {
        guard case .mapping(var merged) = base.value, case .mapping(let overEntries) = over.value else {
            return over
        }
        for entry in overEntries {
            if let index = merged.firstIndex(where: { $0.key == entry.key }) {
                merged[index].value = merge(merged[index].value, entry.value)
                merged[index].keyLocation = entry.keyLocation
            } else {
                merged.append(entry)
            }
        }
        var result = over
        result.value = .mapping(merged)
        return result
    }
}
