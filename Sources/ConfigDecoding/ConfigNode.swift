import Foundation
import Yams

/// A Sendable copy of a YAML node that remembers where every value was written.
///
/// Yams' `Node` is not Sendable and forgets its file once merged with others; this tree keeps,
/// for every node and every mapping key, the file, line and column it came from and the
/// directory that relative paths written there are resolved against. Merging (`include`,
/// `extends`, `--set`) keeps the origins, so a problem always points at the file that has it.
package struct ConfigNode: Sendable {
    /// A scalar as written, with the type YAML's core schema resolves it to.
    package enum Scalar: Sendable, Equatable {
        case null
        case bool(Bool)
        case int(Int)
        case float(Double)
        case string(String)
    }

    package struct Entry: Sendable {
        package var key: String
        package var keyLocation: SourceLocation
        package var value: ConfigNode

        package init(key: String, keyLocation: SourceLocation, value: ConfigNode) {
            self.key = key
            self.keyLocation = keyLocation
            self.value = value
        }
    }

    package enum Value: Sendable {
        case scalar(Scalar, text: String)
        case mapping([Entry])
        case sequence([ConfigNode])
    }

    package var value: Value
    package var location: SourceLocation
    /// Absolute directory that relative paths written in this node are resolved against.
    package var baseDirectory: String

    package init(value: Value, location: SourceLocation, baseDirectory: String) {
        self.value = value
        self.location = location
        self.baseDirectory = baseDirectory
    }

    /// The entries if this node is a mapping.
    package var entries: [Entry]? {
        if case .mapping(let entries) = value { return entries }
        return nil
    }

    /// The elements if this node is a sequence.
    package var elements: [ConfigNode]? {
        if case .sequence(let elements) = value { return elements }
        return nil
    }

    /// The value of `key` if this node is a mapping that has it.
    package subscript(key: String) -> ConfigNode? {
        entries?.first(where: { $0.key == key })?.value
    }

    /// A short description of what this node is, for "expected X, got Y" messages.
    package var describedForMessage: String {
        switch value {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(.null, _): return "null"
        case .scalar(.string(let s), _): return "\"\(Self.shortened(s))\""
        case .scalar(_, let text): return Self.shortened(text)
        }
    }

    /// A value of more than 80 characters cut to its first 60, with its length: a message stays one
    /// readable line (a 100 KB value was echoed whole).
    static func shortened(_ text: String) -> String {
        text.count > 80 ? "\(text.prefix(60))... (\(text.count) characters)" : text
    }
}

extension ConfigNode {
    /// Parses YAML text into a node tree.
    ///
    /// - Parameters:
    ///   - yaml: the document text (an empty document yields an empty mapping).
    ///   - file: the name shown in locations.
    ///   - baseDirectory: absolute directory for relative paths written in this text.
    ///   - positions: false locates every node at the bare `file` (a `--set` value has no lines).
    /// - Throws: `ConfigError` with the parser's position when the text is not valid YAML, or
    ///   when aliases expand it beyond ``YAMLBudget`` (node count or depth).
    package static func parse(
        yaml: String, file: String, baseDirectory: String, positions: Bool = true
    ) throws(ConfigError) -> ConfigNode {
        func failure(_ line: Int, _ column: Int, _ message: String) -> ConfigError {
            let location = SourceLocation(file: file, line: line, column: column)
            return ConfigError(problems: [ConfigProblem(location: location, keyPath: "", message: message)])
        }
        // Before composing: Yams expands aliases (and hashes aliased keys) while it composes.
        if let violation = YAMLBudget.forText(byteCount: yaml.utf8.count).check(yaml) {
            throw failure(violation.line, violation.column, violation.message)
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            let (mark, message) = Self.described(error)
            throw failure(mark?.line ?? 0, mark?.column ?? 0, message + Self.tabHint(yaml, line: mark?.line))
        }
        guard let root else {
            return ConfigNode(
                value: .mapping([]), location: SourceLocation(file: file, line: 1, column: 1),
                baseDirectory: baseDirectory)
        }
        return ConfigNode(yams: root, file: file, baseDirectory: baseDirectory, positions: positions)
    }

    package init(yams node: Node, file: String, baseDirectory: String, positions: Bool) {
        let mark = positions ? node.mark : nil
        location = SourceLocation(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0)
        self.baseDirectory = baseDirectory
        switch node {
        case .scalar(let scalar):
            value = .scalar(Self.resolve(node: node, text: scalar.string), text: scalar.string)
        case .sequence(let sequence):
            value = .sequence(
                sequence.map { ConfigNode(yams: $0, file: file, baseDirectory: baseDirectory, positions: positions) })
        case .mapping(let mapping):
            value = .mapping(
                mapping.map { key, value in
                    let keyMark = positions ? key.mark : nil
                    return Entry(
                        key: key.string ?? Self.flowText(of: key),
                        keyLocation: SourceLocation(file: file, line: keyMark?.line ?? 0, column: keyMark?.column ?? 0),
                        value: ConfigNode(yams: value, file: file, baseDirectory: baseDirectory, positions: positions))
                })
        case .alias:
            // `compose` resolves aliases; an unresolved one is treated as an opaque string.
            value = .scalar(.string(Self.flowText(of: node)), text: Self.flowText(of: node))
        }
    }

    /// A key that is a list or a mapping, written back in flow style for messages. Not Yams'
    /// `any`: its constructor force-unwraps a merge key (`<<`) whose value is not a mapping, and
    /// the fuzz test found it crashing on such a key.
    private static func flowText(of node: Node) -> String {
        switch node {
        case .scalar(let scalar): return scalar.string
        case .sequence(let sequence): return "[" + sequence.map(flowText(of:)).joined(separator: ", ") + "]"
        case .mapping(let mapping):
            return "{" + mapping.map { "\(flowText(of: $0.key)): \(flowText(of: $0.value))" }.joined(separator: ", ")
                + "}"
        case .alias(let alias): return "*\(alias.anchor)"
        }
    }

    /// YAML 1.2 core-schema resolution as Yams' default resolver does it (quoted scalars stay strings).
    private static func resolve(node: Node, text: String) -> Scalar {
        switch Tag.Name(rawValue: node.tag.rawValue) {
        case .null: return .null
        case .bool: return node.bool.map(Scalar.bool) ?? .string(text)
        case .int: return node.int.map(Scalar.int) ?? .string(text)
        case .float: return node.float.map(Scalar.float) ?? .string(text)
        default: return .string(text)
        }
    }

    /// libyaml names a tab only as a character "that cannot start any token": said plainly when the
    /// line it stopped at (1-based) is indented with one.
    static func tabHint(_ yaml: String, line: Int?) -> String {
        guard let line, line >= 1,
            let text = yaml.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(line - 1).first,
            text.prefix(while: { $0 == " " || $0 == "\t" }).contains("\t")
        else { return "" }
        return " (line \(line) is indented with a tab: YAML indents with spaces)"
    }

    /// Where the parser stopped, when it says, and why.
    private static func described(_ error: any Error) -> (Mark?, String) {
        switch error as? YamlError {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return (mark, "invalid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
            return (context.mark, "duplicate key \(keys) in one mapping")
        case let other?:
            return (nil, "invalid YAML: \(other)")
        case nil:
            return (nil, "cannot parse YAML: \(error)")
        }
    }
}
