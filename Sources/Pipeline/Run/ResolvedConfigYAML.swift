import Workflows
import Yams

/// `config.resolved.yaml`: the validated configuration as YAML that is itself a valid pipeline file.
enum ResolvedConfigYAML {
    /// Encodes with Yams, then rewrites floats the way people write them (`0.05`, not `5e-2`).
    static func render(_ config: PipelineConfig) throws -> String {
        let encoded = try YAMLEncoder().encode(config)
        guard let node = try Yams.compose(yaml: encoded) else { return encoded }
        return try Yams.serialize(node: prettified(node), sortKeys: false)
    }

    private static func prettified(_ node: Node) -> Node {
        switch node {
        case .scalar:
            if node.tag.rawValue == Tag.Name.float.rawValue, let value = node.float, value.isFinite {
                return Node(
                    value == value.rounded() && abs(value) < 1e15 ? String(format: "%.1f", value) : "\(value)",
                    Tag(.float))
            }
            return node
        case .mapping(let mapping):
            return Node(mapping.map { (prettified($0.key), prettified($0.value)) }, mapping.tag, mapping.style)
        case .sequence(let sequence):
            return Node(sequence.map(prettified), sequence.tag, sequence.style)
        case .alias:
            return node
        }
    }
}
