// libyaml's event parser (the C library under Yams): the only way to see aliases before
// `Yams.compose` resolves them. Yams' own `compose` already hashes mapping keys, which walks an
// aliased key's whole expansion, so a bomb must be stopped before it is composed.
internal import CYaml
import Foundation

/// Limits on the size of a YAML document once its aliases are expanded, checked on libyaml's
/// event stream before any node is built.
///
/// A 1 KB "billion laughs" file (anchors that alias the previous anchor ten times, nine deep) or
/// a `<<:` merge-key chain expands to billions of nodes; era's config tree copies every alias, so
/// such a file would exhaust memory, wherever in the file the aliases sit (an unknown key too).
/// Every node counts as often as it is expanded; an alias counts the size of what it names.
/// Depth is bounded so that no recursive walk over the tree (merge, decode, report) can run out
/// of stack; aliases can nest beyond what the text shows, so depth is counted after expansion too.
package struct YAMLBudget: Sendable {
    /// Expanded nodes allowed; a document may always be at least as large as its own text
    /// (a written node takes at least one byte), so only expansion by aliases can hit this.
    package var maxNodes: Int
    /// Nesting depth allowed, counting aliased nodes at the depth where they are expanded.
    package var maxDepth: Int

    package init(maxNodes: Int, maxDepth: Int) {
        self.maxNodes = maxNodes
        self.maxDepth = maxDepth
    }

    /// Pipeline files nest about six levels and hold a few thousand nodes; a pipeline of
    /// 20,000 stages (about 100,000 nodes) is larger than its text allows only with aliases.
    package static let maxDepthDefault = 64
    package static let minNodes = 100_000

    package static func forText(byteCount: Int) -> YAMLBudget {
        YAMLBudget(maxNodes: max(minNodes, byteCount), maxDepth: maxDepthDefault)
    }

    /// What the check found: nil when the text fits (or is not valid YAML: Yams reports that).
    package struct Violation: Error, Sendable, Equatable {
        /// 1-based position of the event that crossed the limit.
        package var line: Int
        package var column: Int
        package var message: String
    }

    /// Walks libyaml's events once (linear in the text) and returns the first limit crossed.
    package func check(_ yaml: String) -> Violation? {
        var utf8 = Array(yaml.utf8)
        if utf8.isEmpty { return nil }
        return utf8.withUnsafeMutableBufferPointer { buffer in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return nil }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            return scan(&parser)
        }
    }

    /// A collection being read: the nodes it expands to so far and the height of its subtree.
    private struct Open {
        var anchor: String?
        var nodes: Int
        var height: Int
    }

    private func scan(_ parser: inout yaml_parser_t) -> Violation? {
        // Expanded size and height of every anchored node (a later anchor of the same name shadows).
        var anchors: [String: (nodes: Int, height: Int)] = [:]
        var stack: [Open] = []
        var total = 0
        while true {
            var event = yaml_event_t()
            // A syntax error is left for Yams, which reports it with its own message.
            guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
            defer { yaml_event_delete(&event) }
            let mark = event.start_mark
            func violation(_ message: String) -> Violation {
                Violation(line: Int(mark.line) + 1, column: Int(mark.column) + 1, message: message)
            }
            // The node an event completes: its expanded size and height, and its anchor.
            var completed: (nodes: Int, height: Int, anchor: String?)?
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return nil
            case YAML_SCALAR_EVENT:
                completed = (1, 1, Self.string(event.data.scalar.anchor))
            case YAML_ALIAS_EVENT:
                let name = Self.string(event.data.alias.anchor) ?? ""
                // An undefined alias is Yams' error to report; count it as one node.
                let target = anchors[name] ?? (nodes: 1, height: 1)
                completed = (target.nodes, target.height, nil)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let anchor =
                    event.type == YAML_SEQUENCE_START_EVENT
                    ? Self.string(event.data.sequence_start.anchor) : Self.string(event.data.mapping_start.anchor)
                total += 1
                stack.append(Open(anchor: anchor, nodes: 1, height: 1))
                if stack.count > maxDepth {
                    return violation(
                        "YAML nested more than \(maxDepth) levels deep; a pipeline file needs a handful: flatten it")
                }
                if total > maxNodes {
                    return violation(Self.tooLarge(maxNodes))
                }
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let open = stack.popLast() else { return nil }
                if let anchor = open.anchor { anchors[anchor] = (open.nodes, open.height) }
                if var parent = stack.popLast() {
                    parent.nodes += open.nodes
                    parent.height = max(parent.height, open.height + 1)
                    stack.append(parent)
                }
            default:
                break
            }
            guard let node = completed else { continue }
            if let anchor = node.anchor { anchors[anchor] = (node.nodes, node.height) }
            // Counting before adding keeps every sum below maxNodes + one node's size: no overflow.
            total += node.nodes
            if stack.count + node.height > maxDepth {
                // Only an alias can bring a subtree deeper than the text shows; a scalar is as deep as written.
                return violation(
                    event.type == YAML_ALIAS_EVENT
                        ? "YAML nested more than \(maxDepth) levels deep once its aliases are expanded; write the values out instead of aliasing them"
                        : "YAML nested more than \(maxDepth) levels deep; a pipeline file needs a handful: flatten it")
            }
            if total > maxNodes {
                return violation(Self.tooLarge(maxNodes))
            }
            if var parent = stack.popLast() {
                parent.nodes += node.nodes
                parent.height = max(parent.height, node.height + 1)
                stack.append(parent)
            }
        }
    }

    private static func tooLarge(_ limit: Int) -> String {
        "YAML aliases (*name, or <<: merge keys) expand this file to more than \(limit) values, "
            + "which looks like an alias bomb; write the values out instead of aliasing them"
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafePointer($0)) }
    }
}
