import Foundation

extension ConfigNode {
    /// Applies an override, creating missing mapping keys on the way (validation then judges them).
    /// - Returns: a problem when the path cannot be followed (through a scalar, an index past the end,
    ///   an unknown stage name) or the value is not valid YAML.
    package mutating func apply(_ override: ConfigOverride, currentDirectory: String) -> ConfigProblem? {
        let origin = SourceLocation(file: override.origin, line: 0, column: 0)
        guard let components = KeyPathComponent.parse(override.keyPath) else {
            return ConfigProblem(location: origin, keyPath: override.keyPath, message: "malformed key path")
        }
        // `set` recurses once per component: a path thousands deep would overflow the stack, and
        // no key lies deeper than a YAML file may nest (YAMLBudget).
        guard components.count <= YAMLBudget.maxDepthDefault else {
            let shown = override.keyPath.count > 60 ? "\(override.keyPath.prefix(40))..." : override.keyPath
            return ConfigProblem(
                location: SourceLocation(file: "\(override.source) \(shown)", line: 0, column: 0), keyPath: "",
                message:
                    "the key path has \(components.count) components; at most \(YAMLBudget.maxDepthDefault) are allowed (pipeline keys are a few levels deep)"
            )
        }
        var newValue: ConfigNode
        do {
            newValue = try ConfigNode.parse(
                yaml: override.value, file: override.origin, baseDirectory: currentDirectory, positions: false)
        } catch {
            return ConfigProblem(
                location: origin, keyPath: override.keyPath,
                message: "the value is not valid YAML: \(error.problems.map(\.message).joined(separator: "; "))")
        }
        if case .mapping(let entries) = newValue.value, entries.isEmpty,
            override.value.trimmingCharacters(in: .whitespaces).isEmpty
        {
            newValue = ConfigNode(value: .scalar(.null, text: ""), location: origin, baseDirectory: currentDirectory)
        }
        return set(newValue, at: components[...], walked: "", origin: origin)
    }

    private mutating func set(
        _ newValue: ConfigNode, at components: ArraySlice<KeyPathComponent>,
        walked: String, origin: SourceLocation
    ) -> ConfigProblem? {
        guard let first = components.first else {
            self = newValue
            return nil
        }
        let rest = components.dropFirst()
        switch (first, value) {
        case (.key(let key), .mapping(var entries)):
            let path = walked.isEmpty ? key : "\(walked).\(key)"
            if let index = entries.firstIndex(where: { $0.key == key }) {
                let problem = entries[index].value.set(newValue, at: rest, walked: path, origin: origin)
                value = .mapping(entries)
                return problem
            }
            var child = ConfigNode(value: .mapping([]), location: origin, baseDirectory: newValue.baseDirectory)
            if let problem = child.set(newValue, at: rest, walked: path, origin: origin) { return problem }
            entries.append(Entry(key: key, keyLocation: origin, value: child))
            value = .mapping(entries)
            return nil
        case (.key(let name), .sequence(var elements)):
            // A list addressed by name (a pipeline's stages): the element whose `name` (or, unnamed, `kind`) matches.
            let matches = elements.indices.filter { i in
                if case .scalar(.string(let n), _)? = elements[i]["name"]?.value { return n == name }
                if case .scalar(.string(let k), _)? = elements[i]["kind"]?.value { return k == name }
                return false
            }
            guard let index = matches.first else {
                return ConfigProblem(
                    location: origin, keyPath: walked.isEmpty ? name : "\(walked).\(name)",
                    message: "no element of \(walked) is named \"\(name)\"")
            }
            let problem = elements[index].set(newValue, at: rest, walked: "\(walked)[\(index)]", origin: origin)
            value = .sequence(elements)
            return problem
        case (.index(let index), .sequence(var elements)):
            let path = "\(walked)[\(index)]"
            guard index < elements.count else {
                return ConfigProblem(
                    location: origin, keyPath: path,
                    message: "index \(index) is past the end of \(walked) (\(elements.count) elements)")
            }
            let problem = elements[index].set(newValue, at: rest, walked: path, origin: origin)
            value = .sequence(elements)
            return problem
        case (.key, .scalar(.null, _)):
            // `key:` with no value is an empty mapping to be filled.
            value = .mapping([])
            return set(newValue, at: components, walked: walked, origin: origin)
        default:
            let described: String
            switch first {
            case .key(let key): described = walked.isEmpty ? key : "\(walked).\(key)"
            case .index(let index): described = "\(walked)[\(index)]"
            }
            return ConfigProblem(
                location: origin, keyPath: described,
                message: "cannot follow the key path: \(walked.isEmpty ? "the root" : walked) is \(describedForMessage)"
            )
        }
    }
}
